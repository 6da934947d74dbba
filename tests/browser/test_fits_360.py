"""Pages people open on a phone fit 360 px: no sideways scrolling, every menu entry in sight."""
import pytest
from playwright.sync_api import expect

from passresot.accounts.models import User
from passresot.partners.models import Partner
from passresot.extensions import db
from .helpers import live_database, sign_in


def page_width(phone) -> int:
    return phone.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("email,path", [
    ("partenaire@demo.passresot66.fr", "/site/edit"),
    ("reseau@demo.passresot66.fr", "/admin/partners/{partner}"),
    ("ot@demo.passresot66.fr", "/office/agents"),
    ("ot@demo.passresot66.fr", "/office/agents?show=ending"),
    ("ot@demo.passresot66.fr", "/office/agents/photos"),
    ("ot@demo.passresot66.fr", "/office/overview"),
    ("ot@demo.passresot66.fr", "/office/overview/report"),
    ("partenaire@demo.passresot66.fr", "/site/admissions"),
    ("reseau@demo.passresot66.fr", "/admin/partners"),
    ("reseau@demo.passresot66.fr", "/admin/agents?q=demo"),
    ("reseau@demo.passresot66.fr", "/admin/agents/{agent}"),
    ("agent@demo.passresot66.fr", "/training"),  # issue 17: the training ledger
    ("ot@demo.passresot66.fr", "/office/training"),
    ("ot@demo.passresot66.fr", "/office/agents/{agent}/training"),
])
def test_no_sideways_scrolling_at_360(phone, live_server, email, path):
    with live_database(live_server):
        partner_id = db.session.query(Partner.id).order_by(Partner.id).first()[0]
        agent_id = db.session.query(User.id).filter_by(email="agent@demo.passresot66.fr").scalar()
    sign_in(phone, live_server.url, email)
    assert phone.goto(live_server.url + path.format(partner=partner_id, agent=agent_id)).status == 200
    assert page_width(phone) <= 360


def test_every_agent_menu_entry_is_in_sight_at_360(phone, live_server):
    sign_in(phone, live_server.url, "agent@demo.passresot66.fr")
    phone.goto(live_server.url + "/visits")
    for name in ("Mon pass", "Partenaires", "Mes visites", "Signaler", "Mon profil"):
        expect(phone.locator(".mainnav").get_by_role("link", name=name)).to_be_in_viewport(ratio=1)
    assert page_width(phone) <= 360
