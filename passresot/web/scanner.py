"""The scanner partner staff hold at the entrance (/scanner): the camera reads the pass's QR code
(static/js/scanner-camera.js), a text field takes a typed pass number when the camera cannot.

The page is a shell the service worker keeps for offline use; static/js/scanner.js decides with
the scanner bundle kept in IndexedDB (scanner-decide.js), asks the server first when it can
(POST /api/v1/scans, 1.5 s) while it answers fast and decides first on a weak signal, and keeps
every scan in an outbox until the server acknowledges it.
"""
from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..accounts.models import Role
from ..passes.exceptions import REFUSAL_MESSAGES
from .access import roles_required
from .pwa import cache_version

bp = Blueprint("scanner", __name__)


@bp.route("/scanner")
@roles_required(Role.partner_staff, Role.entrance_staff, Role.entrance_device)
def scanner():
    partner = current_user.partner
    return render_template("scanner/scanner.html", texts=page_texts(), partner=partner,
                           ask_timeout_ms=current_app.config["SCANNER_ASK_TIMEOUT_MS"],
                           flush_every_ms=current_app.config["SCANNER_FLUSH_EVERY_MS"],
                           app_version=cache_version(), needs_pin=current_user.role is Role.entrance_device,
                           api={"scans": url_for("api.record_scans_batch"),
                                "bundle": url_for("api.scanner_bundle_view")})


def page_texts() -> dict:
    """Everything scanner.js writes on screen, in the staff's language (placeholders: %(name)s)."""
    return {
        "reasons": {**{reason: str(message) for reason, message in REFUSAL_MESSAGES.items()},
                    "staff_refused": _("Vous avez refusé l'entrée.")},
        # A closed pass says how it was closed (the answer's or the bundle's `closed`).
        "closed": {"returned": _("Ce pass a été rendu à son office : il n'est plus valable."),
                   "revoked": _("Ce pass a été révoqué par son office (perte, départ…) : il n'est plus valable."),
                   "replaced": _("Ce pass a été remplacé par un pass plus récent : demandez au titulaire "
                                 "d'afficher son pass à jour.")},
        "admitted": _("Entrée gratuite accordée"),
        "eductour": _("Éductour : présence enregistrée"),
        "eductour_reason": _("« %(title)s » : le groupe est attendu ici de %(starts)s à %(ends)s. L'entrée "
                             "gratuite de l'année n'est pas utilisée."),
        "refused": _("Entrée refusée"),
        "to_check": _("À vérifier"),
        "pending_reasons": {
            "to_check": _("Sans réseau, ce numéro ne peut pas être contrôlé ici : regardez le pass sur "
                          "le téléphone du porteur (nom, photo, dates), puis acceptez ou refusez. Le "
                          "serveur le vérifiera dès le retour du réseau."),
            "stale_data": _("Les données de ce scanner sont trop anciennes pour décider seul : "
                            "regardez le pass sur le téléphone du porteur, puis acceptez ou refusez."),
        },
        "staff_recorded": _("Votre choix est enregistré sur cet appareil ; le serveur le vérifiera."),
        "verdict_stale": _("Attention : les données de ce scanner ont plus de 24 h."),
        "unverifiable": _("Cet appareil ne peut pas vérifier ce pass : réessayez en ligne."),
        "visited_on": _("Entrée déjà enregistrée ici le %(date)s"),
        "compare": _("Comparez le visage avec la photo sur le téléphone du porteur."),
        "identity_withheld": _("Trop de numéros saisis sur ce compte en une heure : le serveur ne donne "
                               "ni le nom ni la photo. Vérifiez le pass sur le téléphone du porteur et "
                               "une pièce d'identité."),
        "office": _("Office : %(office)s"),
        "online": _("En ligne"),
        "offline": _("Hors ligne"),
        "no_answer": _("Le serveur ne répond pas à temps"),
        "signed_out_short": _("Déconnecté"),
        "signed_out": _("Session terminée — reconnectez-vous"),
        "session_waiting": _plural(lambda n: ngettext("(%(count)s passage en attente sur cet appareil)",
                                                      "(%(count)s passages en attente sur cet appareil)", n, **KEEP)),
        "mode_ask": _("Le serveur décide"),
        "mode_decide": _("Signal faible : l'appareil décide, le serveur suit"),
        "clock_off": _("L'horloge de cet appareil a %(minutes)s min d'écart avec le serveur : les "
                       "verdicts utilisent l'heure du serveur. Corrigez l'heure de l'appareil."),
        "other_site_waiting": _plural(lambda n: ngettext(
            "%(count)s passage en attente pour « %(site)s » : il sera envoyé quand un compte de ce site se "
            "connectera sur cet appareil.",
            "%(count)s passages en attente pour « %(site)s » : ils seront envoyés quand un compte de ce site se "
            "connectera sur cet appareil.", n, **KEEP)),
        "rejected_one": _("1 passage refusé par le serveur : %(what)s"),
        "rejected_many": _("%(count)s passages refusés par le serveur : %(what)s"),
        "rejected_item": _("%(time)s, « %(code)s » (%(why)s)"),
        "bundle_age": _("Données du %(date)s"),
        "bundle_stale": _("Données du %(date)s, plus de 24 h : reconnectez le scanner au réseau"),
        "bundle_missing": _("Pas encore de données : connectez le scanner une première fois"),
        "waiting": _plural(lambda n: ngettext("%(count)s passage en attente d'envoi",
                                              "%(count)s passages en attente d'envoi", n, **KEEP)),
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


#: Placeholders left for the page's script to fill.
KEEP = {"count": "%(count)s", "site": "%(site)s"}


def _plural(forms) -> dict:
    """Both forms of a message for the page's script, which picks one with Intl.PluralRules (French:
    0 and 1 are singular). `forms(n)` is the ngettext call, written out so that Babel finds it."""
    return {"one": forms(1), "other": forms(2)}
