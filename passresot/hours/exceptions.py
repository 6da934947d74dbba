"""Why another partner visit could not be recorded."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidOtherVisit(DomainError):
    code = "invalid_other_visit"
    status = 400
    message = _l("Visite incomplète ou incorrecte.")
