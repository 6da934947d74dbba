"""The partner list agents carry offline (/partners) and its detail pages (/partners/<id>).

Both URLs answer the same page shell; static/js/partners.js fills it from the directory kept in
IndexedDB (synced from GET /api/v1/partners) and shows the list or one partner from the URL. The
service worker keeps that one shell, so any partner's page opens offline once the list is synced.

Who: agents (the list is made for them); OT admins and network admins too, since they recommend
the offer and check what agents see. Partner staff have the scanner instead. The "not visited yet
this year" filter is the agent's own (GET /api/v1/me/visits) and only shown to agents.
"""
from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..extensions import db
from ..partners.models import BOOKING_LABELS, CATEGORY_LABELS, Partner
from ..timeutil import paris_today
from .access import roles_required

bp = Blueprint("partners_list", __name__)

READERS = (Role.agent, Role.office_admin, Role.network_admin)


@bp.route("/partners")
@roles_required(*READERS)
def directory():
    return _shell()


@bp.route("/partners/<int:partner_id>")
@roles_required(*READERS)
def detail(partner_id):
    partner = db.session.get(Partner, partner_id)
    if partner is None or not partner.active:
        abort(404)
    return _shell()


def _shell():
    """The same page for the list and every detail: the worker caches it once, under /partners."""
    return render_template("partners/directory.html", texts=page_texts(),
                           is_agent=current_user.role is Role.agent, year=paris_today().year)


def page_texts() -> dict:
    """Everything partners.js writes on screen, in the person's language (placeholders: %(name)s)."""
    return {
        "categories": {category.value: str(label) for category, label in CATEGORY_LABELS.items()},
        "booking": {booking.value: str(label) for booking, label in BOOKING_LABELS.items()},
        "today_yes": _("Accueille aujourd'hui"),
        "today_no": _("Pas aujourd'hui"),
        "today_unknown": _("À vérifier"),
        "today_yes_long": _("Accueille les pass aujourd'hui"),
        "today_no_long": _("N'accueille pas les pass aujourd'hui"),
        "today_unknown_long": _("Accueil des pass à vérifier avec le site"),
        "next_welcome": _("Prochaine période d'accueil à partir du %(date)s"),
        "booking_short": _("Sur réservation"),
        "visited": _("Déjà visité en %(year)s"),
        "count_one": _("1 site"),
        "count_many": _("%(count)s sites"),
        "count_more": _("%(shown)s sites affichés sur %(count)s"),
        "no_match": _("Aucun site ne correspond à votre recherche."),
        "no_data": _("La liste des partenaires n'est pas encore sur ce téléphone. "
                     "Ouvrez cette page une fois avec du réseau pour l'enregistrer."),
        "loading": _("Téléchargement de la liste des partenaires…"),
        "sync_checking": _("Recherche de mises à jour… · liste enregistrée le %(when)s"),
        "sync_fresh": _("Liste à jour · vérifiée le %(when)s"),
        "sync_offline": _("Hors connexion · liste enregistrée le %(when)s"),
        "sync_failed": _("Serveur injoignable · liste enregistrée le %(when)s"),
        "offline_short": _("Hors connexion"),
        "failed_short": _("Serveur injoignable"),
        "sync_signed_out": _("Session expirée : reconnectez-vous pour mettre la liste à jour."),
        "not_found": _("Ce partenaire n'est pas dans la liste enregistrée sur ce téléphone."),
        "distance_denied": _("Position non disponible : la liste reste triée par nom."),
        "distance_km": _("%(km)s km"),
        "distance_m": _("%(m)s m"),
        "incomplete_title": _("Informations incomplètes : contactez le site avant votre visite"),
        "incomplete_missing": _("Manque : %(items)s."),
        "incomplete_no_contact": _("Aucun moyen de contact connu : renseignez-vous auprès de votre office."),
        "missing_phone": _("le téléphone"),
        "missing_periods": _("les périodes d'accueil des pass"),
        "missing_booking": _("la règle de réservation"),
        "call": _("Appeler"),
        "website": _("Site web"),
        "email": _("E-mail"),
        "map_app": _("Ouvrir dans l'app de cartes"),
        "map_web": _("Voir sur OpenStreetMap"),
        "report": _("Signaler un problème avec ce site"),
        "all_year": _("Toute l'année"),
        "period_recurring": _("Chaque année, du %(start)s au %(end)s"),
        "period_once": _("Du %(start)s au %(end)s"),
        "period_past": _("(terminée)"),
        "periods_unknown": _("Non précisées"),
        "pass_welcome": _("Accueil des pass"),
        "booking_title": _("Réservation"),
        "visit_length": _("Durée de visite"),
        "minutes": _("%(n)s min"),
        "hours": _("%(h)s h %(m)s"),
        "whole_hours": _("%(h)s h"),
        "address": _("Adresse"),
        "manager": _("Responsable"),
        "socials": _("Réseaux sociaux"),
        "opening": _("Horaires"),
        "about": _("Présentation"),
        "phone": _("Téléphone"),
    }
