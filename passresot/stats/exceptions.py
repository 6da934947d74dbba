"""Why statistics could not be given."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidYear(DomainError):
    """The year asked for is not a number within the years the scheme has data for."""

    code = "invalid_year"
    status = 400
    message = _l("Année invalide.")
