"""Recording audit events."""
from flask_babel import lazy_gettext as _l

from ..extensions import db
from .models import AuditEvent


def record_event(actor, action: str, target_type: str, target_id: int, **details) -> AuditEvent:
    """Add an audit event for `actor` (a User or None for the system); flushed with the request."""
    event = AuditEvent(**event_values(actor, action, target_type, target_id, **details))
    db.session.add(event)
    return event


def event_values(actor, action: str, target_type: str, target_id: int, **details) -> dict:
    """The columns of an audit event, for writing many in one INSERT (imports)."""
    return {"actor_id": getattr(actor, "id", None), "action": action, "target_type": target_type,
            "target_id": target_id, "details": {k: _plain(v) for k, v in details.items()}}


def events_for(target_type: str, target_id: int, limit: int = 50):
    """The latest events about one record, newest first."""
    return (
        AuditEvent.query.filter_by(target_type=target_type, target_id=target_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .all()
    )


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


ACTION_LABELS = {
    "user.created": _l("Compte créé"),
    "user.setup_link_created": _l("Lien de connexion créé"),
    "user.password_set": _l("Mot de passe choisi"),
    "user.activated": _l("Compte réactivé"),
    "user.deactivated": _l("Compte désactivé"),
    "agent.updated": _l("Fiche modifiée"),
    "agent.photo_changed": _l("Photo changée"),
    "agent.viewed": _l("Fiche consultée"),
    "privacy.purged": _l("Purge des données personnelles"),
    "other_visit.recorded": _l("Visite sans pass enregistrée"),
    "other_visit.deleted": _l("Visite sans pass supprimée"),
    "training.recorded": _l("Formation enregistrée"),
    "training.deleted": _l("Formation supprimée"),
    "certificate.issued": _l("Attestation de présence délivrée"),
    "eductour.planned": _l("Éductour planifié"),
    "eductour.updated": _l("Éductour modifié"),
    "eductour.cancelled": _l("Éductour annulé"),
    "eductour.present": _l("Présence à un éductour cochée"),
    "eductour.absent": _l("Présence à un éductour décochée"),
    "work_settings.changed": _l("Temps de travail ou service modifié"),
    "survey.questions_set": _l("Questions de l'enquête partenaires enregistrées"),
    "survey.answered": _l("Enquête partenaires : réponse du site"),
    "pass.issued": _l("Pass délivré"),
    "pass.renewed": _l("Pass renouvelé"),
    "pass.replaced": _l("Pass remplacé"),
    "pass.returned": _l("Pass rendu"),
    "pass.revoked": _l("Pass révoqué"),
    "pass.resigned": _l("Pass signé à nouveau (clé retirée)"),
    "office.created": _l("Office créé"),
    "office.updated": _l("Office modifié"),
    "office.activated": _l("Office réactivé"),
    "office.deactivated": _l("Office désactivé"),
    "partner.created": _l("Site créé"),
    "partner.updated": _l("Site modifié"),
    "partner.activated": _l("Site réactivé"),
    "partner.deactivated": _l("Site désactivé"),
    "scan.override": _l("Entrée acceptée hors période"),
    "scan.undone": _l("Entrée annulée"),
    "scan.conflict_accepted": _l("Conflit accepté : l'entrée compte"),
    "scan.conflict_voided": _l("Conflit écarté : l'entrée ne compte pas"),
    "token.created": _l("Appareil connecté"),
    "token.revoked": _l("Appareil déconnecté"),
    "user.password_changed": _l("Mot de passe changé"),
    "user.setup_link_mailed": _l("Lien de connexion envoyé par e-mail"),
    "agent.csv_imported": _l("Agents importés (CSV)"),
    "device.code_created": _l("Code d'appareil d'entrée créé"),
    "device.enrolled": _l("Appareil d'entrée ajouté"),
    "device.renamed": _l("Appareil d'entrée renommé"),
    "device.revoked": _l("Appareil d'entrée retiré"),
    "site.pin_set": _l("Code PIN du site changé"),
    "partner_import.completed": _l("Import de sites terminé"),
    "report.created": _l("Signalement reçu"),
    "report.status_changed": _l("Signalement : statut changé"),
    "report.answered": _l("Signalement : réponse envoyée à l'agent"),
}

#: What an "updated" event's details name, as the history shows it (never the internal field name).
FIELD_LABELS = {
    "name": _l("nom"),
    "category": _l("catégorie"),
    "commune": _l("commune"),
    "insee_code": _l("code INSEE"),
    "address": _l("adresse"),
    "postal_code": _l("code postal"),
    "latitude": _l("latitude"),
    "longitude": _l("longitude"),
    "phone": _l("téléphone"),
    "email": _l("e-mail"),
    "website": _l("site web"),
    "socials": _l("réseaux sociaux"),
    "manager_name": _l("responsable"),
    "booking": _l("réservation"),
    "accepts_all_year": _l("accueil toute l'année"),
    "periods": _l("périodes d'accueil"),
    "description": _l("présentation"),
    "visit_minutes": _l("durée de visite"),
    "opening_info": _l("horaires"),
    "first_name": _l("prénom"),
    "last_name": _l("nom de famille"),
    "kind": _l("type de contrat"),
    "contract_start": _l("début du contrat"),
    "contract_end": _l("fin du contrat"),
    "reason": _l("motif"),
}


def changed_fields(event: AuditEvent) -> list:
    """The fields an "updated" event changed, in French (or the reader's language); [] for other events."""
    if not event.action.endswith(".updated"):
        return []
    return [FIELD_LABELS.get(name, name) for name in event.details]
