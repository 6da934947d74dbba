"""Agent failures, named as facts."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class PhotoRejected(DomainError):
    code = "photo_rejected"
    status = 400
    message = _l("Cette photo ne peut pas être utilisée.")

    def __init__(self, message=None):
        super().__init__(message, fields={"photo": message or self.message})


class SeasonalNeedsContractEnd(DomainError):
    code = "seasonal_needs_contract_end"
    status = 400
    message = _l("La date de fin est obligatoire pour un saisonnier.")


class AgentImportRejected(DomainError):
    """The CSV file has file-level or row errors: nothing was imported. `preview` says which."""

    code = "agent_import_rejected"
    status = 400
    message = _l("Le fichier contient des erreurs : aucun agent n'a été importé.")

    def __init__(self, preview):
        super().__init__()
        self.preview = preview


class AgentNotFound(DomainError):
    code = "agent_not_found"
    status = 404
    message = _l("Cet agent n'existe pas.")
