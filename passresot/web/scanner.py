"""The scanner partner staff hold at the entrance (/scanner): the camera reads the pass's QR code
(static/js/scanner-camera.js), a text field takes a typed pass number when the camera cannot.

The page is a shell the service worker keeps for offline use; static/js/scanner.js decides with
the scanner bundle kept in IndexedDB (scanner-decide.js), asks the server first when it can
(POST /api/v1/scans, 1.5 s), and keeps every scan in an outbox until the server acknowledges it.
"""
from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..passes.exceptions import REFUSAL_MESSAGES
from .access import roles_required

bp = Blueprint("scanner", __name__)


@bp.route("/scanner")
@roles_required(Role.partner_staff, Role.entrance_staff, Role.entrance_device)
def scanner():
    partner = current_user.partner
    return render_template("scanner/scanner.html", texts=page_texts(), partner=partner,
                           ask_timeout_ms=current_app.config["SCANNER_ASK_TIMEOUT_MS"],
                           api={"scans": url_for("api.record_scans_batch"),
                                "bundle": url_for("api.scanner_bundle_view")})


def page_texts() -> dict:
    """Everything scanner.js writes on screen, in the staff's language (placeholders: %(name)s)."""
    return {
        "reasons": {reason: str(message) for reason, message in REFUSAL_MESSAGES.items()},
        "admitted": _("Entrée gratuite accordée"),
        "refused": _("Entrée refusée"),
        "to_check": _("À vérifier : ce numéro sera contrôlé dès le retour du réseau."),
        "unverifiable": _("Cet appareil ne peut pas vérifier ce pass : réessayez en ligne."),
        "visited_on": _("Déjà venu(e) ici le %(date)s"),
        "compare": _("Comparez le visage avec la photo sur le téléphone du porteur."),
        "office": _("Office : %(office)s"),
        "online": _("En ligne"),
        "offline": _("Hors ligne"),
        "bundle_age": _("Données du %(date)s"),
        "bundle_stale": _("Données du %(date)s, plus de 24 h : reconnectez le scanner au réseau"),
        "bundle_missing": _("Pas encore de données : connectez le scanner une première fois"),
        "waiting": _("%(count)s passage(s) en attente d'envoi"),
        "all_sent": _("Tous les passages sont envoyés"),
        "undone": _("Entrée annulée"),
        "undo_failed": _("L'entrée n'a pas pu être annulée."),
        "undo_offline": _("Pas de réseau : l'entrée ne peut être annulée qu'en ligne."),
        "camera_starting": _("Démarrage de la caméra…"),
        "camera_on": _("Présentez le QR code du pass devant la caméra."),
        "camera_denied": _("La caméra est refusée : autorisez-la pour ce site dans les réglages du "
                           "navigateur, ou tapez le numéro du pass ci-dessous."),
        "camera_missing": _("Aucune caméra trouvée : tapez le numéro du pass ci-dessous."),
        "camera_busy": _("La caméra est utilisée par une autre application : fermez-la puis réessayez."),
        "camera_insecure": _("La caméra demande une connexion sécurisée (https) : tapez le numéro du "
                             "pass ci-dessous."),
        "camera_failed": _("La caméra n'a pas pu démarrer : réessayez, ou tapez le numéro du pass "
                           "ci-dessous."),
    }
