"""Why a certificate cannot be issued."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class CertificatesNotYet(DomainError):
    """The programme's day has not come: nobody has attended it yet."""

    code = "certificates_not_yet"
    status = 409
    message = _l("Les attestations se délivrent à partir du jour de l'éductour.")
