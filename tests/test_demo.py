"""`flask load-demo` on an empty database: the Pyrénées-Orientales demo of DESIGN.md §5, loaded once."""
from urllib.parse import urlsplit

import pytest

from passresot.accounts.models import AgentKind, Role, User
from passresot.extensions import db
from passresot.offices.models import Office
from passresot.partners.models import Partner
from passresot.passes.api import latest_pass
from passresot.passes.models import PassStatus
from tests.helpers import empty_every_table, login

DEMO_PASSWORD = "demo-passresot66"
ACCOUNTS = [
    ("reseau@demo.passresot66.fr", Role.network_admin, "/admin/offices"),
    ("ot@demo.passresot66.fr", Role.office_admin, "/office/agents"),
    ("agent@demo.passresot66.fr", Role.agent, "/pass"),
    ("saisonnier@demo.passresot66.fr", Role.agent, "/pass"),
    ("partenaire@demo.passresot66.fr", Role.partner_staff, "/site"),
]


def counts(app):
    with app.app_context():
        return (Office.query.count(), Partner.query.count(), User.query.count())


@pytest.fixture(scope="module")
def loaded(app):
    """The demo loaded once for the module (each test reads it, or loads it again to see nothing
    added); every table emptied after the last test, as clean_db does after each."""
    before = app.config.get("DEMO_PASSWORD")
    app.config["DEMO_PASSWORD"] = DEMO_PASSWORD
    try:
        assert counts(app) == (0, 0, 0), "the test database should start empty"
        result = app.test_cli_runner().invoke(args=["load-demo"])
        assert result.exit_code == 0, result.output
        assert "Démo chargée." in result.output
        yield result
    finally:
        app.config["DEMO_PASSWORD"] = before
        empty_every_table(app)


def test_the_demo_has_a_dozen_offices_and_about_forty_partners(app, loaded):
    offices, partners, users = counts(app)
    assert offices == 12
    assert 35 <= partners <= 45
    with app.app_context():
        assert Office.query.filter_by(commune="Perpignan").count() == 1
        assert {p.category for p in Partner.query} and len({p.category for p in Partner.query}) >= 5
        agents = User.query.filter_by(role=Role.agent).all()
        assert {a.kind for a in agents} == {AgentKind.permanent, AgentKind.seasonal}
        assert {a.office_id for a in agents} == {o.id for o in Office.query}


def test_the_five_demo_accounts_exist_with_their_roles(app, loaded):
    with app.app_context():
        for email, role, _ in ACCOUNTS:
            user = User.query.filter_by(email=email).one()
            assert user.role is role and user.active
        seasonal = User.query.filter_by(email="saisonnier@demo.passresot66.fr").one()
        permanent = User.query.filter_by(email="agent@demo.passresot66.fr").one()
        assert seasonal.kind is AgentKind.seasonal and seasonal.contract_end is not None
        assert permanent.kind is AgentKind.permanent
        for agent in (seasonal, permanent):
            assert latest_pass(agent.id).effective_status() is PassStatus.active


def test_every_demo_account_signs_in_with_the_demo_password(app, loaded):
    # One loop rather than a parametrization: loading the demo takes a few seconds.
    for email, _, landing in ACCOUNTS:
        client = app.test_client()
        response = login(client, email, DEMO_PASSWORD)
        assert response.status_code == 302, email
        page = client.get(response.location, follow_redirects=True)
        assert page.status_code == 200, email
        assert urlsplit(page.request.url).path == landing, email


def test_loading_twice_does_not_duplicate(app, loaded):
    before = counts(app)
    again = app.test_cli_runner().invoke(args=["load-demo"])
    assert again.exit_code == 0
    assert "déjà" in again.output
    assert counts(app) == before
    with app.app_context():
        assert User.query.filter_by(email="agent@demo.passresot66.fr").count() == 1
        assert db.session.query(Office.name).distinct().count() == 12
