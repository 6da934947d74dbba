"""The retention purge on exact data: who is anonymised, who is kept, what the statistics still count."""
import uuid
from datetime import datetime, timedelta

import pytest

from passresot.accounts.models import AgentKind, ApiToken, LoginAttempt, SetupLink, User
from passresot.agents.models import AgentPhoto
from passresot.audit.api import record_event
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.hours.models import OtherVisit
from passresot.passes.models import Pass, PassStatus
from passresot.privacy.api import months_before, purge_personal_data, retention_months
from passresot.privacy.exceptions import InvalidRetention
from passresot.reports.models import Report, ReportKind
from passresot.stats.api import agent_figures, by_kind, by_office, visits_by_partner
from passresot.timeutil import utcnow
from passresot.visits.models import Scan, ScanStatus, Visit

NOW = datetime(2026, 6, 15, 12, 0)
ELEVEN_MONTHS_AGO = datetime(2025, 7, 15, 12, 0)
THIRTEEN_MONTHS_AGO = datetime(2025, 5, 15, 12, 0)
_numbers = iter(range(1000, 9999))


def add_pass(agent, valid_until, status=PassStatus.active, closed_at=None, valid_from=None):
    row = Pass(number=f"T{next(_numbers)}X", user_id=agent.id, office_id=agent.office_id, kind=agent.kind,
               status=status, valid_from=valid_from or valid_until - timedelta(days=300), valid_until=valid_until,
               token=f"PR1:{agent.first_name}", kid="test", closed_at=closed_at,
               close_reason="Perdu" if status is PassStatus.revoked else None)
    db.session.add(row)
    db.session.commit()
    return row


def deactivated(agent, at):
    agent.active = False
    record_event(None, "user.deactivated", "user", agent.id).at = at
    db.session.commit()


@pytest.fixture
def people(make):
    office, other_office = make.office("Office Alpha"), make.office("Office Beta")
    site, other_site = make.partner("Château"), make.partner("Musée")
    staff = make.partner_staff(site)
    admin = make.office_admin(office)
    gone = make.agent(office, first_name="Marie", last_name="Départ", email="marie@example.fr",
                      contract_start=datetime(2023, 1, 1).date())
    expired = make.agent(other_office, first_name="Paul", seasonal=True, contract_end=datetime(2025, 5, 15).date(),
                         contract_start=datetime(2025, 4, 1).date())
    recent = make.agent(office, first_name="Lina")
    live = make.agent(office, first_name="Jo")
    renewed = make.agent(other_office, first_name="Rémi")
    no_pass_old = make.agent(office, first_name="Ancien", photo=False)
    no_pass_recent = make.agent(office, first_name="Récent", photo=False)
    no_pass_active = make.agent(office, first_name="Jamais", photo=False)
    old_staff = make.partner_staff(other_site, first_name="Ex")
    for user in (no_pass_old, no_pass_recent, no_pass_active, old_staff):
        user.created_at = datetime(2023, 1, 1)
    db.session.commit()

    gone_pass = add_pass(gone, datetime(2025, 12, 31), PassStatus.returned, closed_at=THIRTEEN_MONTHS_AGO)
    add_pass(expired, THIRTEEN_MONTHS_AGO)  # active, never closed, out of validity 13 months
    add_pass(recent, datetime(2025, 12, 31), PassStatus.returned, closed_at=ELEVEN_MONTHS_AGO)
    add_pass(live, datetime(2023, 6, 1), PassStatus.revoked, closed_at=datetime(2023, 1, 1))
    add_pass(live, NOW + timedelta(days=100))
    add_pass(renewed, datetime(2024, 12, 1), PassStatus.replaced, closed_at=datetime(2024, 3, 1))
    add_pass(renewed, datetime(2026, 1, 31), PassStatus.revoked, closed_at=ELEVEN_MONTHS_AGO)
    deactivated(gone, THIRTEEN_MONTHS_AGO)
    deactivated(no_pass_old, THIRTEEN_MONTHS_AGO)
    deactivated(no_pass_recent, ELEVEN_MONTHS_AGO)
    old_staff.active = False  # no deactivation event: its creation date counts

    record_event(admin, "agent.updated", "user", gone.id, last_name="Départ")
    record_event(admin, "pass.revoked", "pass", gone_pass.id, reason="Marie a perdu son téléphone")
    visits = [Visit(user_id=gone.id, partner_id=site.id, pass_id=gone_pass.id, year=2025,
                    admitted_at=datetime(2025, 3, 1, 10)),
              Visit(user_id=expired.id, partner_id=other_site.id, year=2025, admitted_at=datetime(2025, 4, 2, 10)),
              Visit(user_id=recent.id, partner_id=site.id, year=2025, admitted_at=datetime(2025, 5, 2, 10)),
              Visit(user_id=live.id, partner_id=site.id, year=2025, admitted_at=datetime(2025, 6, 2, 10))]
    db.session.add_all(visits)
    db.session.flush()
    db.session.add_all([
        Scan(id=str(uuid.uuid4()), partner_id=site.id, scanned_by_id=staff.id, device_id="tablette",
             qr="PR1:MARIE-D", scanned_at=visits[0].admitted_at, status=ScanStatus.admitted,
             pass_id=gone_pass.id, visit_id=visits[0].id),
        OtherVisit(user_id=gone.id, partner_id=other_site.id, visited_on=datetime(2025, 2, 1).date(),
                   minutes=90, recorded_by_id=admin.id),
        Report(id=str(uuid.uuid4()), user_id=gone.id, partner_id=site.id, kind=ReportKind.other,
               text="Fermé", written_at=datetime(2025, 3, 2)),
        ApiToken(user_id=gone.id, device_name="Téléphone de Marie", token_hash="a" * 64,
                 expires_at=datetime(2025, 9, 1)),
        SetupLink(user_id=gone.id, token_hash="b" * 64, expires_at=datetime(2025, 1, 8)),
        LoginAttempt(email="marie@example.fr", address="10.0.0.1", at=NOW - timedelta(hours=1)),
        LoginAttempt(email="quelqu.un@example.fr", address="10.0.0.2", at=NOW - timedelta(days=40)),
        LoginAttempt(email="quelqu.un@example.fr", address="10.0.0.2", at=NOW - timedelta(days=1)),
    ])
    db.session.commit()
    return dict(gone=gone, expired=expired, recent=recent, live=live, renewed=renewed, no_pass_old=no_pass_old,
                no_pass_recent=no_pass_recent, no_pass_active=no_pass_active, old_staff=old_staff,
                staff=staff, admin=admin, gone_pass=gone_pass)


def anonymised(user) -> bool:
    db.session.refresh(user)
    return user.email.endswith("@anonyme.invalid")


def statistics():
    rows = agent_figures(2025)
    return ([(name, vars(figures)) for name, figures in by_office(rows)],
            [(kind, vars(figures)) for kind, figures in by_kind(rows)], visits_by_partner(2025))


def test_who_is_anonymised_and_who_is_kept(people):
    counts = purge_personal_data(now=NOW, months=12)
    db.session.commit()
    assert (counts.agents_anonymised, counts.accounts_anonymised, counts.photos_deleted) == (2, 2, 2)
    assert counts.login_attempts_deleted == 1
    purged = {name for name, user in people.items() if isinstance(user, User) and anonymised(user)}
    assert purged == {"gone", "expired", "no_pass_old", "old_staff"}


def test_an_anonymised_agent_keeps_nothing_personal(people):
    gone, gone_pass = people["gone"], people["gone_pass"]
    purge_personal_data(now=NOW, months=12)
    db.session.commit()
    db.session.refresh(gone)
    assert (gone.email, gone.first_name, gone.last_name) == (f"anonyme-{gone.id}@anonyme.invalid", "Compte", "anonymisé")
    assert gone.password_hash is None and gone.contract_start is None and gone.active is False
    assert (gone.office.name, gone.kind) == ("Office Alpha", AgentKind.permanent)
    assert db.session.get(AgentPhoto, gone.id) is None
    assert ApiToken.query.filter_by(user_id=gone.id).count() == 0
    assert SetupLink.query.filter_by(user_id=gone.id).count() == 0
    assert LoginAttempt.query.filter_by(email="marie@example.fr").count() == 0
    db.session.refresh(gone_pass)
    assert gone_pass.token == ""
    scan = Scan.query.filter_by(pass_id=gone_pass.id).one()
    assert (scan.qr, scan.pass_number) == (None, gone_pass.number)
    about = AuditEvent.query.filter(AuditEvent.target_id.in_((gone.id, gone_pass.id)),
                                    AuditEvent.target_type.in_(("user", "pass"))).all()
    assert about and all(event.details == {} for event in about)
    # Visits, other visits and reports stay, on the anonymous row.
    assert Visit.query.filter_by(user_id=gone.id).count() == 1
    assert OtherVisit.query.filter_by(user_id=gone.id).count() == 1
    assert Report.query.filter_by(user_id=gone.id).count() == 1


def test_a_seasonal_agent_keeps_the_contract_end_the_database_requires(people):
    purge_personal_data(now=NOW, months=12)
    db.session.commit()
    expired = people["expired"]
    assert anonymised(expired)
    assert expired.kind is AgentKind.seasonal and expired.contract_end is not None


def test_kept_people_are_untouched(people):
    purge_personal_data(now=NOW, months=12)
    db.session.commit()
    for name in ("recent", "live", "renewed"):
        user = people[name]
        db.session.refresh(user)
        assert db.session.get(AgentPhoto, user.id) is not None, name
        assert not user.email.endswith("anonyme.invalid"), name
    assert LoginAttempt.query.filter_by(email="quelqu.un@example.fr").count() == 1


def test_an_agent_with_a_live_pass_is_never_purged(people):
    purge_personal_data(now=NOW, months=1)
    db.session.commit()
    assert not anonymised(people["live"])
    assert anonymised(people["recent"]) and anonymised(people["renewed"])  # ended 11 months ago > 1 month


def test_the_statistics_are_the_same_after_the_purge(people):
    before = statistics()
    assert before[2] == [("Château", "Collioure", 3), ("Musée", "Collioure", 1)]
    purge_personal_data(now=NOW, months=12)
    db.session.commit()
    assert statistics() == before


def test_the_purge_is_idempotent_and_audited(people):
    purge_personal_data(now=NOW, months=12)
    db.session.commit()
    emails = sorted(u.email for u in User.query)
    again = purge_personal_data(now=NOW, months=12)
    db.session.commit()
    assert (again.agents_anonymised, again.accounts_anonymised, again.photos_deleted,
            again.login_attempts_deleted) == (0, 0, 0, 0)
    assert sorted(u.email for u in User.query) == emails
    runs = AuditEvent.query.filter_by(action="privacy.purged").order_by(AuditEvent.id).all()
    assert [run.details["agents_anonymised"] for run in runs] == [2, 0]
    assert runs[0].details["accounts_anonymised"] == 2 and runs[0].details["photos_deleted"] == 2
    assert runs[0].actor_id is None


def test_a_dry_run_counts_and_changes_nothing(people):
    counts = purge_personal_data(now=NOW, months=12, dry_run=True)
    db.session.rollback()
    assert (counts.agents_anonymised, counts.accounts_anonymised, counts.photos_deleted) == (2, 2, 2)
    assert not anonymised(people["gone"])
    assert AuditEvent.query.filter_by(action="privacy.purged").count() == 0


def test_retention_is_read_from_the_configuration(app, people):
    app.config["RETENTION_MONTHS"] = "24"
    try:
        assert retention_months() == 24
        counts = purge_personal_data(now=NOW)
        assert counts.agents_anonymised == 0 and counts.accounts_anonymised == 1  # old_staff: 2023
        app.config["RETENTION_MONTHS"] = "douze"
        with pytest.raises(InvalidRetention):
            retention_months()
    finally:
        app.config["RETENTION_MONTHS"] = "12"
        db.session.rollback()


def test_months_before_handles_short_months():
    assert months_before(datetime(2026, 3, 31, 8), 1) == datetime(2026, 2, 28, 8)
    assert months_before(datetime(2026, 1, 15), 12) == datetime(2025, 1, 15)
    assert months_before(datetime(2026, 1, 15), 13) == datetime(2024, 12, 15)


def test_the_daily_command(app, make):
    agent = make.agent(first_name="Ancienne")
    add_pass(agent, utcnow() - timedelta(days=800), PassStatus.returned, closed_at=utcnow() - timedelta(days=800))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge-personal-data", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Simulation" in dry.output and "agents anonymisés : 1" in dry.output
    db.session.expire_all()
    assert not anonymised(agent)
    real = runner.invoke(args=["purge-personal-data"])
    assert real.exit_code == 0, real.output
    assert "agents anonymisés : 1" in real.output and "photos supprimées : 1" in real.output
    db.session.expire_all()
    assert anonymised(agent)
    assert runner.invoke(args=["purge-personal-data"]).output.count("agents anonymisés : 0") == 1
