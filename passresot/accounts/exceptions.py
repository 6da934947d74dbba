"""Account failures, named as facts."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from ..errors import DomainError


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    message = _l("Adresse e-mail ou mot de passe incorrect.")


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    status = 429

    def __init__(self, wait_minutes: int):
        self.wait_minutes = wait_minutes
        super().__init__(lazy_ngettext(
            "Trop de tentatives de connexion. Par sécurité, patientez %(num)d minute avant de réessayer.",
            "Trop de tentatives de connexion. Par sécurité, patientez %(num)d minutes avant de réessayer.",
            wait_minutes))


class EmailAlreadyUsed(DomainError):
    code = "email_already_used"
    status = 409
    message = _l("Cette adresse e-mail est déjà utilisée par un autre compte.")


class SetupLinkInvalid(DomainError):
    code = "setup_link_invalid"
    status = 400
    message = _l("Ce lien n'est plus valable (déjà utilisé ou expiré). "
                 "Demandez un nouveau lien à votre administrateur.")


class WeakPassword(DomainError):
    code = "weak_password"
    status = 400
    message = _l("Choisissez un mot de passe d'au moins 10 caractères.")


class TokenNotFound(DomainError):
    """No such device token among those this person may manage."""

    code = "token_not_found"
    status = 404
    message = _l("Cet appareil n'existe pas ou n'est plus connecté.")


class WrongCurrentPassword(DomainError):
    code = "wrong_current_password"
    status = 400
    message = _l("Le mot de passe actuel n'est pas le bon.")
