"""Issue 17, the whole eductour day in the browser: the OT admin plans three sites for four agents;
the partner scans the group with no signal (« Éductour », the free entry untouched) and syncs; the
organiser ticks the roll call at the second site; each agent's ledger counts the hours; a certificate
is issued, its QR code leads to the public page that says it is authentic; the office's audit pack
names the day, and its first page is rendered to PNG to be looked at."""
import os
from datetime import date
from urllib.parse import urlsplit

import pypdfium2
import pytest
from playwright.sync_api import expect

from passresot.accounts.models import Role, User
from passresot.certificates.models import Certificate
from passresot.eductours.models import Attendance, AttendanceSource, Invitation, Programme
from passresot.extensions import db
from passresot.partners.models import Partner
from passresot.passes.models import Pass, PassStatus
from passresot.timeutil import paris_today
from passresot.visits.models import Visit
from tests.helpers import read_qr_codes

from .helpers import STAFF, live_database, my_pass, open_scanner, paste, sign_in

ADMIN = "ot@demo.passresot66.fr"
TITLE = "Éductour des Aspres"


@pytest.fixture
def group(live_server, staff_site):
    """Four agents with a live pass and no programme yet (the admin's office first, then others: the
    office is small), the staff's site and
    two other sites; the day's programme is removed afterwards (the scanner tests after this one
    would otherwise see its holders as « Éductour »)."""
    with live_database(live_server):
        admin = User.query.filter_by(email=ADMIN).one()
        invited = db.select(Invitation.user_id).where(Invitation.user_id.is_not(None))
        agents = (User.query.join(Pass, Pass.user_id == User.id)
                  .filter(User.role == Role.agent, Pass.status == PassStatus.active, User.id.not_in(invited))
                  .order_by(User.office_id != admin.office_id, User.id).limit(4).all())
        others = (Partner.query.filter(Partner.active.is_(True), Partner.id != staff_site)
                  .order_by(Partner.id).limit(2).all())
        found = {"agents": [(a.id, a.email, a.full_name) for a in agents], "sites": [staff_site] + [p.id for p in others]}
        assert len(agents) == 4 and agents[0].office_id == admin.office_id
    yield found
    with live_database(live_server):
        for programme in Programme.query.filter_by(title=TITLE):
            stop_ids = [stop.id for stop in programme.stops]
            Attendance.query.filter(Attendance.stop_id.in_(stop_ids)).delete()
            Certificate.query.filter_by(programme_id=programme.id).delete()
            db.session.delete(programme)
        db.session.commit()


def _plan(page, live_server, group):
    sign_in(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/eductours/new")
    page.fill("input[name=title]", TITLE)
    page.fill("input[name=day]", paris_today().isoformat())
    for index, (site, start, end) in enumerate(zip(group["sites"], ("09:00", "11:00", "14:00"),
                                                   ("10:30", "12:00", "16:00"))):
        page.select_option(f"select[name='stops-{index}-partner_id']", str(site))
        page.fill(f"input[name='stops-{index}-starts_at']", start)
        page.fill(f"input[name='stops-{index}-ends_at']", end)
    for agent_id, _email, _name in group["agents"]:
        page.check(f"input[name=agents][value='{agent_id}']")
    page.get_by_role("button", name="Planifier").click()
    expect(page.locator("h1")).to_have_text(TITLE)
    return int(page.url.rstrip("/").split("/")[-1].split("#")[0])


def test_an_eductour_day_from_the_plan_to_the_audit_pack(page, phone, browser, live_server, group, tmp_path):
    codes = [my_pass(live_server, email)["qr"] for _id, email, _name in group["agents"]]
    programme_id = _plan(page, live_server, group)

    # At the first site, the partner's phone synced before the day and has no signal at the door.
    sign_in(phone, live_server.url, STAFF)
    open_scanner(phone, live_server)
    live_server.stop()
    try:
        phone.reload()
        phone.locator("[data-scanner]").wait_for()
        for code in codes:
            box = paste(phone, code)
            expect(box).to_have_attribute("data-reason", "eductour")
            expect(box).to_have_attribute("data-verdict", "admitted")
            expect(box).to_contain_text("Éductour : présence enregistrée")
            expect(box).to_contain_text(f"« {TITLE} » : le groupe est attendu ici de 09:00 à 10:30")
            if code is codes[0] and os.environ.get("SCANNER_SCREENSHOTS"):
                phone.screenshot(path=os.path.join(os.environ["SCANNER_SCREENSHOTS"], "scanner-eductour-360.png"))
            phone.locator("[data-verdict-close]").click()
        expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "4")
    finally:
        live_server.start()
    phone.reload()  # the outbox is sent on open
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    # Online, the server says the same (one of the group shows the pass again): present once only.
    phone.locator("[data-scanner][data-ready=true]").wait_for()
    expect(paste(phone, codes[1])).to_have_attribute("data-reason", "eductour")
    expect(phone.locator("[data-verdict-undo]")).to_be_visible()  # recorded by the server
    phone.locator("[data-verdict-close]").click()

    agent_ids = [agent_id for agent_id, _email, _name in group["agents"]]
    with live_database(live_server):
        programme = db.session.get(Programme, programme_id)
        first, second, _third = programme.stops
        scanned = Attendance.query.filter_by(stop_id=first.id).all()
        assert sorted(a.user_id for a in scanned) == sorted(agent_ids)
        assert {a.source for a in scanned} == {AttendanceSource.scan}
        # The free entry of the year is untouched: no admission of theirs at the site today.
        assert Visit.query.filter(Visit.partner_id == group["sites"][0], Visit.user_id.in_(agent_ids),
                                  Visit.year == paris_today().year).count() == 0
        second_id = second.id

    # At the second site there is no scanner: the organiser ticks the roll call.
    page.goto(f"{live_server.url}/eductours/{programme_id}")
    first_stop = page.locator("[data-stop]").first
    for agent_id in agent_ids:
        expect(first_stop.locator(f"li[data-user='{agent_id}']")).to_contain_text("pass scanné")
        page.locator(f"#stop-{second_id} li[data-user='{agent_id}'] button").click()
        expect(page.locator(f"#stop-{second_id} li[data-user='{agent_id}']")).to_have_attribute("data-present", "yes")

    # Each agent's own ledger: 1 h 30 scanned + 1 h ticked, the third stop missed.
    for _agent_id, email, _name in group["agents"]:
        ledger = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}).new_page()
        sign_in(ledger, live_server.url, email)
        ledger.goto(live_server.url + "/training")
        expect(ledger.locator("[data-ledger] [data-eductours]")).to_have_text("2\u00a0h\u00a030")
        expect(ledger.locator("[data-evidence] [data-kind=eductour]").filter(has_text=TITLE)).to_have_count(2)
        ledger.context.close()

    # The certificates, issued by the organiser, found by the agent, checked by anyone.
    page.goto(f"{live_server.url}/eductours/{programme_id}")
    page.get_by_role("button", name="Délivrer les attestations").click()
    expect(page.locator("[data-certificates] li")).to_have_count(4)
    holder_id, holder_email, holder_name = group["agents"][0]
    agent_phone = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740}).new_page()
    sign_in(agent_phone, live_server.url, holder_email)
    agent_phone.goto(live_server.url + "/my/eductours")
    link = agent_phone.locator("[data-my-certificates] a").filter(has_text=TITLE)
    pdf = agent_phone.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    image = pypdfium2.PdfDocument(pdf.body())[0].render(scale=3).to_pil()
    [qr] = [code.text for code in read_qr_codes(image)]
    agent_phone.context.close()
    anyone = browser.new_context(locale="fr-FR").new_page()  # not signed in
    address = urlsplit(qr)
    anyone.goto(f"{live_server.url}{address.path}?{address.query}")
    authentic = anyone.locator("[data-verdict=authentic]")
    expect(authentic).to_contain_text("Attestation authentique")
    expect(authentic).to_contain_text(holder_name)
    expect(authentic).to_contain_text(TITLE)
    expect(authentic).to_contain_text("2\u00a0h\u00a030")
    anyone.context.close()

    # The office's audit pack for the year names the day and the hours it gave.
    pack = page.request.get(f"{live_server.url}/office/audit-pack.pdf?period={date.today().year}")
    assert pack.ok and pack.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(pack.body())
    text = "\n".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    assert TITLE in text and holder_name.split()[-1] in text
    folder = os.environ.get("SCANNER_SCREENSHOTS") or str(tmp_path)
    document[0].render(scale=1.5).to_pil().save(os.path.join(folder, "audit-pack-page1.png"))
    assert os.path.getsize(os.path.join(folder, "audit-pack-page1.png")) > 10_000
