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


class PhotoBatchNotFound(DomainError):
    """No batch of photos by that id for this admin (another's, removed, or saved already)."""

    code = "photo_batch_not_found"
    status = 404
    message = _l("Cet envoi de photos n'existe plus : envoyez les photos de nouveau.")


class NoPhotoReceived(DomainError):
    code = "no_photo_received"
    status = 400
    message = _l("Aucun fichier reçu : choisissez des photos, un dossier ou un fichier zip.")


class TooManyPhotos(DomainError):
    code = "too_many_photos"
    status = 400
    message = _l("Plus de 1000 fichiers : envoyez les photos en plusieurs fois.")


class PhotoZipUnreadable(DomainError):
    code = "photo_zip_unreadable"
    status = 400
    message = _l("Ce fichier zip est illisible ou abîmé.")


class UnpackedPhotosTooLarge(DomainError):
    code = "unpacked_photos_too_large"
    status = 400
    message = _l("Le zip décompressé dépasse 1 Go : envoyez les photos en plusieurs fois.")


class PhotosNotReady(DomainError):
    """Some photos of the batch are still being re-encoded: no preview, no saving yet."""

    code = "photos_not_ready"
    status = 409
    message = _l("Les photos sont encore en préparation : patientez un instant.")


class AgentNotFound(DomainError):
    code = "agent_not_found"
    status = 404
    message = _l("Cet agent n'existe pas.")
