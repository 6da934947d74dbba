"""Why a training entry, a certificate or an agent's work settings were refused."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidTrainingEntry(DomainError):
    code = "invalid_training_entry"
    status = 400
    message = _l("Formation incomplète ou incorrecte.")


class CertificateRejected(DomainError):
    code = "certificate_rejected"
    status = 400
    message = _l("Attestation refusée : envoyez un PDF ou une image (JPEG, PNG, WebP, HEIC).")


class InvalidWorkSettings(DomainError):
    code = "invalid_work_settings"
    status = 400
    message = _l("Réglages incorrects.")


class NotYourAgent(DomainError):
    code = "not_your_agent"
    status = 403
    message = _l("Cet agent n'est pas de votre office.")
