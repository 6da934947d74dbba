"""Entrance-device failures, named as facts."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class EnrolmentCodeInvalid(DomainError):
    """Unknown, expired or used: the same answer, so a guess learns nothing (not even the site)."""

    code = "enrolment_code_invalid"
    status = 400
    message = _l("Ce code d'appareil n'est pas valable (inconnu, expiré après 15 minutes ou déjà "
                 "utilisé). Demandez un nouveau code au responsable du site.")


class DeviceRevoked(DomainError):
    code = "device_revoked"
    status = 401
    message = _l("Appareil retiré")


class DeviceNotFound(DomainError):
    code = "device_not_found"
    status = 404
    message = _l("Cet appareil n'existe pas ou a déjà été retiré.")


class SitePinRequired(DomainError):
    code = "site_pin_required"
    status = 403
    message = _l("Saisissez le code PIN du site pour cette action.")


class SitePinWrong(DomainError):
    code = "site_pin_wrong"
    status = 403
    message = _l("Code PIN du site incorrect.")


class SitePinNotSet(DomainError):
    code = "site_pin_not_set"
    status = 403
    message = _l("Le responsable du site n'a pas encore choisi de code PIN : cette action est "
                 "impossible sur un appareil d'entrée.")
