"""Failures of the scanning domain, named as facts; the refusal of a pass itself is passes.TokenRefused."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError
from ..passes.exceptions import REFUSAL_MESSAGES


class NotAPartnerAccount(DomainError):
    """Only partner staff scan passes and read a site's scanner bundle."""

    code = "not_a_partner_account"
    status = 403
    message = REFUSAL_MESSAGES["not_a_partner_account"]


class TooManyScans(DomainError):
    code = "too_many_scans"
    status = 413

    def __init__(self, limit: int):
        super().__init__(_l("Envoyez au plus %(n)s passages par envoi : découpez le lot.", n=limit))


class ScansBodyTooLarge(DomainError):
    code = "body_too_large"
    status = 413

    def __init__(self, limit_bytes: int):
        super().__init__(_l("L'envoi dépasse %(n)s Mo : envoyez les passages en plusieurs fois.",
                            n=limit_bytes // (1024 * 1024)))


class InvalidScan(DomainError):
    """One item of a batch cannot be recorded at all (no usable id, code or date); the others can."""

    code = "invalid_scan"
    status = 400
    message = _l("Ce passage est incomplet ou mal formé : il n'a pas été enregistré.")


class ScanIdTaken(DomainError):
    """A UUID already recorded for another site: not a replay of this device's scan."""

    code = "scan_id_taken"
    status = 409
    message = _l("Cet identifiant de passage est déjà utilisé par un autre site.")


class ScanNotFound(DomainError):
    code = "scan_not_found"
    status = 404
    message = _l("Ce passage n'existe pas ou n'a pas été fait sur votre site.")


class NotAnAdmission(DomainError):
    code = "not_an_admission"
    status = 409
    message = _l("Ce passage n'était pas une entrée accordée : rien à annuler.")


class UndoTooLate(DomainError):
    code = "undo_too_late"
    status = 409

    def __init__(self, minutes: int):
        super().__init__(_l("Une entrée ne peut être annulée que dans les %(n)s minutes qui suivent.",
                            n=minutes))


class NotAConflict(DomainError):
    code = "not_a_conflict"
    status = 409
    message = _l("Ce passage n'est pas un conflit : il n'y a rien à accepter ni à écarter.")


class ConflictAlreadyReviewed(DomainError):
    code = "conflict_already_reviewed"
    status = 409
    message = _l("Ce conflit a déjà été traité.")
