"""A partner site with its staff and an agent holding a live pass."""
from types import SimpleNamespace

import pytest

from passresot.accounts.tokens import create_api_token
from passresot.extensions import db
from passresot.passes.api import issue_pass

from .helpers import BUNDLE_URL, issued_on


@pytest.fixture
def site(make):
    """A museum open to pass holders all year, its staff, and an agent with a live pass."""
    office = make.office(name="Office de Tourisme de Collioure")
    partner = make.partner(name="Musée d'art moderne", accepts_all_year=True)
    staff = make.partner_staff(partner, first_name="Núria", last_name="Vidal")
    agent = make.agent(office, first_name="Amélie", last_name="Roca")
    pass_ = issue_pass(None, agent, today=issued_on())
    db.session.commit()
    return SimpleNamespace(office=office, partner=partner, staff=staff, agent=agent, pass_=pass_,
                           make=make)


@pytest.fixture
def device(app, site):
    """A scanner device of the site: a test client and the staff's bearer-token headers."""
    token = create_api_token(site.staff, "Tablette accueil")[0]
    db.session.commit()
    return app.test_client(), {"Authorization": f"Bearer {token}"}


@pytest.fixture
def bundle_device(device):
    """get(since=None) -> the site's scanner bundle as the device fetches it (asserts a 200)."""
    client, headers = device

    def get(since=None):
        response = client.get(BUNDLE_URL, query_string={"since": since} if since else None, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()
    return get
