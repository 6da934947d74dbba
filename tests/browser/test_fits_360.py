"""Pages people open on a phone fit 360 px: no sideways scrolling, every menu entry in sight."""
import pytest
from playwright.sync_api import expect

from passresot.accounts.models import User
from passresot.partners.models import Partner
from passresot.extensions import db
from .helpers import live_database, sign_in


def page_width(phone) -> int:
    return phone.evaluate("document.documentElement.scrollWidth")


#: The pages each account opens on a phone. One signed-in phone per account goes through them (a
#: subtest each), rather than a fresh phone signing in again for each page.
PAGES = {
    "partenaire@demo.passresot66.fr": ["/site/edit", "/site/admissions"],
    "reseau@demo.passresot66.fr": ["/admin/partners/{partner}", "/admin/partners", "/admin/agents?q=demo",
                                   "/admin/agents/{agent}"],
    "ot@demo.passresot66.fr": ["/office/agents", "/office/agents?show=ending", "/office/agents/photos",
                               "/office/overview", "/office/overview/report",
                               "/office/training", "/office/agents/{agent}/training"],  # issue 17
    "agent@demo.passresot66.fr": ["/training"],  # issue 17: the training ledger
}


@pytest.mark.parametrize("email", PAGES)
def test_no_sideways_scrolling_at_360(phone, live_server, subtests, email):
    with live_database(live_server):
        partner_id = db.session.query(Partner.id).order_by(Partner.id).first()[0]
        agent_id = db.session.query(User.id).filter_by(email="agent@demo.passresot66.fr").scalar()
    sign_in(phone, live_server.url, email)
    for path in PAGES[email]:
        with subtests.test(path=path):
            assert phone.goto(live_server.url + path.format(partner=partner_id, agent=agent_id)).status == 200
            assert page_width(phone) <= 360


def test_every_agent_menu_entry_is_in_sight_at_360(phone, live_server):
    sign_in(phone, live_server.url, "agent@demo.passresot66.fr")
    phone.goto(live_server.url + "/visits")
    for name in ("Mon pass", "Partenaires", "Mes visites", "Signaler", "Mon profil"):
        expect(phone.locator(".mainnav").get_by_role("link", name=name)).to_be_in_viewport(ratio=1)
    assert page_width(phone) <= 360
