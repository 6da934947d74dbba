"""Why a survey could not be set or answered."""
from flask_babel import lazy_gettext as _l

from ..errors import DomainError


class InvalidSurvey(DomainError):
    code = "invalid_survey"
    status = 400
    message = _l("Questionnaire incomplet ou incorrect.")


class SurveyLocked(DomainError):
    code = "survey_locked"
    status = 409
    message = _l("Des sites ont déjà répondu : les questions de cette année ne peuvent plus changer.")


class InvalidAnswer(DomainError):
    code = "invalid_answer"
    status = 400
    message = _l("Réponse incomplète : voyez les champs signalés.")


class AlreadyAnswered(DomainError):
    code = "already_answered"
    status = 409
    message = _l("Votre site a déjà répondu à l'enquête de cette année : merci !")


class NoSurvey(DomainError):
    code = "no_survey"
    status = 404
    message = _l("Pas d'enquête en cours.")
