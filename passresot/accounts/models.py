"""User accounts of every role, sign-in attempts and one-time password links."""
import enum
from datetime import date, datetime
from typing import Optional

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..offices.models import Office
from ..partners.models import Partner
from ..timeutil import utcnow


class Role(enum.Enum):
    network_admin = "network_admin"
    office_admin = "office_admin"
    agent = "agent"
    #: The site's manager: listing, admissions, exports, entrance devices, the site's PIN.
    partner_staff = "partner_staff"
    #: A person at a site's entrance: the scanner and today's admissions, nothing else.
    entrance_staff = "entrance_staff"
    #: A tablet enrolled by a site's manager: no person, no e-mail, no password (see devices/).
    entrance_device = "entrance_device"

    @property
    def label(self):
        return ROLE_LABELS[self]


#: Roles bound to one partner site (users.partner_id set).
SITE_ROLES = (Role.partner_staff, Role.entrance_staff, Role.entrance_device)


ROLE_LABELS = {
    Role.network_admin: _l("Administrateur du réseau"),
    Role.office_admin: _l("Administrateur d'office"),
    Role.agent: _l("Agent"),
    Role.partner_staff: _l("Responsable du site"),
    Role.entrance_staff: _l("Personnel d'entrée"),
    Role.entrance_device: _l("Appareil d'entrée"),
}


class AgentKind(enum.Enum):
    permanent = "permanent"
    seasonal = "seasonal"

    @property
    def label(self):
        return _l("Permanent") if self is AgentKind.permanent else _l("Saisonnier")


def _enum(cls, name):
    return Enum(cls, native_enum=False, create_constraint=True, length=20, name=name)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role IN ('office_admin', 'agent')) = (office_id IS NOT NULL)",
            name="office_matches_role",
        ),
        CheckConstraint(
            "(role IN ('partner_staff', 'entrance_staff', 'entrance_device')) = (partner_id IS NOT NULL)",
            name="partner_matches_role",
        ),
        CheckConstraint(
            "kind IS NULL OR kind <> 'seasonal' OR contract_end IS NOT NULL",
            name="seasonal_has_contract_end",
        ),
        CheckConstraint(
            "contract_end IS NULL OR contract_start IS NULL OR contract_end >= contract_start",
            name="contract_dates_ordered",
        ),
        Index("ix_users_office_role", "office_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the sign-in identifier.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: None until the person has chosen a password through their one-time link.
    password_hash: Mapped[Optional[str]] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "user_role"))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    office_id: Mapped[Optional[int]] = mapped_column(ForeignKey("offices.id"))
    partner_id: Mapped[Optional[int]] = mapped_column(ForeignKey("partners.id"), index=True)
    #: Agents only: permanent staff or seasonal contract.
    kind: Mapped[Optional[AgentKind]] = mapped_column(_enum(AgentKind, "agent_kind"))
    contract_start: Mapped[Optional[date]]
    contract_end: Mapped[Optional[date]]
    #: Deactivated accounts cannot sign in; kept for the statistics and the audit trail.
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[Optional[str]] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Bumped when the password changes or the account is deactivated, to end other sessions.
    session_version: Mapped[int] = mapped_column(default=1)

    office: Mapped[Optional[Office]] = relationship()
    partner: Mapped[Optional[Partner]] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive users; a deactivated office or site closes its accounts too."""
        if not self.active:
            return False
        if self.office_id is not None and not self.office.active:
            return False
        return self.partner_id is None or self.partner.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __repr__(self):
        return f"<User {self.id} {self.email} {self.role.value}>"


class LoginAttempt(db.Model):
    """Failed sign-ins, kept in the database so every worker sees the same count."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SetupLink(db.Model):
    """A one-time link to choose a password; only its SHA-256 is stored."""

    __tablename__ = "setup_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SignInKind(enum.Enum):
    #: A bearer token from POST /api/v1/auth/token (API client, scanner app).
    token = "token"
    #: A browser's session cookie after the sign-in form.
    browser = "browser"
    #: An enrolled entrance device's session cookie (no password ever typed).
    device = "device"


class ApiToken(db.Model):
    """One sign-in the server can end: a browser session, a bearer token or an entrance device.
    Only the SHA-256 of its secret is stored; a revoked row never works again."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What the person called the device ("Tablette accueil").
    device_name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[Optional[datetime]]
    revoked_at: Mapped[Optional[datetime]]
    kind: Mapped[SignInKind] = mapped_column(_enum(SignInKind, "sign_in_kind"), default=SignInKind.token,
                                             server_default="token")
    #: Entrance devices: when the scanner last fetched its bundle or sent scans.
    last_sync_at: Mapped[Optional[datetime]]
    #: Entrance devices: scans waiting in its outbox, and its app version, as it last reported them.
    pending_scans: Mapped[Optional[int]]
    app_version: Mapped[Optional[str]] = mapped_column(String(40))

    user: Mapped[User] = relationship()
