"""Failures of the passes domain: a refused token, and key-ring mistakes."""
from flask_babel import lazy_gettext as _l

from passresot.errors import DomainError

#: Every refusal reason of DESIGN.md §4, the same words on the server, the scanner and in tests;
#: `staff_refused` is only ever the device's: the staff said no offline where no rule could tell.
REFUSAL_REASONS = (
    "malformed",
    "unknown_key",
    "invalid_signature",
    "revoked",
    "not_yet_valid",
    "expired",
    "already_visited",
    "outside_accepted_period",
    "not_a_partner_account",
    "staff_refused",
)

REFUSAL_MESSAGES = {
    "malformed": _l("Ce code n'est pas un pass PassResOT66 lisible."),
    "unknown_key": _l("Ce pass est signé par une clé inconnue : synchronisez le scanner."),
    "invalid_signature": _l("La signature de ce pass est fausse : il a été modifié."),
    "revoked": _l("Ce pass n'est plus valable : rendu, révoqué ou remplacé par un plus récent."),
    "not_yet_valid": _l("Ce pass n'est pas encore valable."),
    "expired": _l("Ce pass a expiré."),
    "already_visited": _l("Ce pass a déjà servi sur ce site cette année."),
    "outside_accepted_period": _l("Le site n'accueille pas les pass en ce moment."),
    "not_a_partner_account": _l("Ce compte n'est pas celui d'un site partenaire."),
    "staff_refused": _l("Refusé par le personnel à l'entrée, sans connexion, aucune règle du pass en cause."),
}


class TokenRefused(DomainError):
    """A pass was refused; `reason` (also `code`) is one of REFUSAL_REASONS."""

    status = 422

    def __init__(self, reason: str, detail: str | None = None):
        if reason not in REFUSAL_REASONS:
            raise ValueError(f"unknown refusal reason {reason!r}")
        super().__init__(reason)  # str(refusal) is the reason: plain, for logs
        self.message = REFUSAL_MESSAGES[reason]  # translated when shown, in the reader's locale
        self.reason = reason
        self.code = reason
        #: Why, for logs and tests only; never shown to users.
        self.detail = detail

    def __repr__(self) -> str:
        return f"TokenRefused({self.reason!r}, {self.detail!r})"


class KeyRingError(DomainError):
    """The key directory cannot do what was asked.

    Raised with a plain message, for operators (the `flask keys` commands), so that it can be
    shown where no translations are set up.
    """

    code = "key_ring_error"


class SigningKeyNotRetirable(KeyRingError):
    """The current signing key cannot be retired: rotate first."""

    code = "signing_key_not_retirable"


class KeyNotFound(KeyRingError):
    """No active key has this kid."""

    code = "key_not_found"
    status = 404


class PassCannotBeIssued(DomainError):
    """R3: a pass needs a photo, first and last name, an office, and an active agent."""

    code = "pass_cannot_be_issued"
    status = 409
    message = _l("Le pass ne peut pas être délivré.")

    def __init__(self, missing: list):
        self.missing = missing
        super().__init__(_l("Pass impossible à délivrer pour l'instant : %(items)s.",
                            items=", ".join(str(item) for item in missing)))


class PassNotActive(DomainError):
    code = "pass_not_active"
    status = 409
    message = _l("Ce pass n'est plus actif : il ne peut plus être modifié.")


class ReasonRequired(DomainError):
    code = "reason_required"
    status = 400
    message = _l("Indiquez le motif de la révocation.")

    def __init__(self):
        super().__init__(fields={"reason": self.message})
