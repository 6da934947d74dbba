"""Imports every domain's tables, so metadata and migrations see them all."""
from .accounts.models import ApiToken, LoginAttempt, SetupLink, User  # noqa: F401
from .agents.models import AgentPhoto  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .offices.models import Office  # noqa: F401
from .partners.models import Partner  # noqa: F401
from .passes.models import Pass  # noqa: F401
from .partners.models import PartnerPeriod  # noqa: F401
from .visits.models import Visit  # noqa: F401
from .hours.models import OtherVisit  # noqa: F401
from .reports.models import Report  # noqa: F401
from .ratelimit.models import RateLimit  # noqa: F401
from .partners.job_models import PartnerImportJob, PartnerImportRow  # noqa: F401
from .devices.models import EnrolmentCode, SitePin  # noqa: F401
from .mailbox.models import OutgoingMail  # noqa: F401
from .training.models import TrainingEntry, WorkSettings  # noqa: F401
from .eductours.models import Attendance, Invitation, Programme, Stop  # noqa: F401
from .surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyReply  # noqa: F401
from .certificates.models import Certificate  # noqa: F401
