"""The migrated schema is the models' schema, and the rules the models declare are enforced by the database."""
from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError

from passresot.accounts.models import AgentKind, Role, User
from passresot.extensions import db


def test_the_migrated_schema_matches_the_models(app_ctx):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate`: the models and the migrations differ"


def _agent(office, **fields):
    fields.setdefault("kind", AgentKind.permanent)
    return User(email=f"{fields.pop('name', 'agent')}@example.fr", role=Role.agent,
                first_name="Jordi", last_name="Puig", office_id=office.id, **fields)


def _assert_refused_by_the_database(user):
    db.session.add(user)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_seasonal_agent_without_contract_end_is_refused_by_the_database(make):
    office = make.office()
    _assert_refused_by_the_database(_agent(office, kind=AgentKind.seasonal, contract_end=None))
    assert User.query.filter_by(role=Role.agent).count() == 0


def test_a_seasonal_agent_with_contract_end_is_accepted(make):
    office = make.office()
    db.session.add(_agent(office, kind=AgentKind.seasonal, contract_end=date.today()))
    db.session.commit()
    assert User.query.filter_by(role=Role.agent).count() == 1


def test_a_contract_ending_before_it_starts_is_refused_by_the_database(make):
    office = make.office()
    today = date.today()
    _assert_refused_by_the_database(_agent(office, contract_start=today,
                                           contract_end=today - timedelta(days=1)))


def test_an_agent_without_office_is_refused_by_the_database(make):
    user = User(email="sans-office@example.fr", role=Role.agent, first_name="A", last_name="B",
                kind=AgentKind.permanent)
    _assert_refused_by_the_database(user)


def test_partner_staff_without_partner_is_refused_by_the_database(make):
    _assert_refused_by_the_database(User(email="p@example.fr", role=Role.partner_staff,
                                         first_name="A", last_name="B"))


def test_an_email_is_unique_in_the_database(make):
    make.network_admin(email="unique@example.fr")
    _assert_refused_by_the_database(User(email="unique@example.fr", role=Role.network_admin,
                                         first_name="A", last_name="B"))


def test_an_unknown_office_is_refused_by_the_database(make):
    user = User(email="fantome@example.fr", role=Role.office_admin, first_name="A", last_name="B",
                office_id=999_999)
    _assert_refused_by_the_database(user)
