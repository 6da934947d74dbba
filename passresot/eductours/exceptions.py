"""Why an eductour programme could not be planned, changed or its attendance recorded."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidProgramme(DomainError):
    code = "invalid_programme"
    status = 400
    message = _l("Programme incomplet ou incorrect.")


class ProgrammeNotEditable(DomainError):
    code = "programme_not_editable"
    status = 409
    message = _l("Ce programme ne peut plus être modifié : il est annulé ou sa date est passée.")


class NotInvited(DomainError):
    code = "not_invited"
    status = 400
    message = _l("Cette personne n'est pas invitée à ce programme.")


class NotOrganiser(DomainError):
    code = "not_organiser"
    status = 403
    message = _l("Seul l'administrateur qui a planifié ce programme peut faire l'appel.")
