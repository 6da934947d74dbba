"""Partner failures, named as facts."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidListing(DomainError):
    """One or more fields of a listing are wrong; `fields` says which and why, in French."""

    code = "invalid_listing"
    status = 400
    message = _l("Certaines informations du site sont incorrectes.")
