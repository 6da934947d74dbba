"""Why a report could not be recorded or changed."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidReport(DomainError):
    code = "invalid_report"
    status = 400
    message = _l("Le signalement est incomplet ou incorrect.")


class ReportIdTaken(DomainError):
    """The UUID already names another person's report."""

    code = "report_id_taken"
    status = 409
    message = _l("Cet identifiant de signalement est déjà utilisé.")


class ReportNotFound(DomainError):
    code = "not_found"
    status = 404
    message = _l("Ce signalement n'existe pas.")
