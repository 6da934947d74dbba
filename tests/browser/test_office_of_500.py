"""An office of 500 agents in a real browser: filter, select the whole filter, issue passes, print an
A4 sheet of cards whose QR codes decode from the rendered PDF, export the set-password links, then
the office's hours of the year (XLSX) and its printable yearly sheet."""
import csv
import io
import re
from datetime import date, timedelta

import pypdfium2 as pdfium
from openpyxl import load_workbook
import pytest
from playwright.sync_api import expect

from passresot.accounts.models import AgentKind, Role, SetupLink, User
from passresot.agents.models import AgentPhoto
from passresot.agents.photos import reencode_photo
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.offices.models import Office
from passresot.passes.api import find_by_number
from passresot.passes.models import Pass
from tests.factories import jpeg_bytes
from tests.helpers import read_qr_codes

from .helpers import FAST_DEMO_HASH, live_database, sign_in


ADMIN = "directrice@ot-500.example"
#: A form over the whole office (500 passes, 60 card sheets) may take this long on a loaded machine.
#: The click gets it too: Playwright's click waits for the navigation it starts, under its own
#: timeout (20 s), which a loaded CI ran out of while the card sheet was still being served.
WHOLE_OFFICE_MS = 120_000
AGENTS, WITHOUT_PHOTO = 500, 20


@pytest.fixture
def office_of_500(live_server):
    """An office of 500 agents, 20 of them without a photo, inserted in bulk in the server's database."""
    with live_database(live_server):
        office = Office(name="Office des 500", commune="Perpignan", email="ot500@example.fr")
        db.session.add(office)
        db.session.flush()
        db.session.add(User(email=ADMIN, role=Role.office_admin, first_name="Directrice", last_name="Cinq-Cents",
                            office_id=office.id, password_hash=FAST_DEMO_HASH))
        start = date.today() - timedelta(days=200)
        agents = [User(email=f"agent{i:03d}@ot-500.example", role=Role.agent, first_name=f"Prénom{i:03d}",
                       last_name=f"Nom{i:03d}", office_id=office.id, kind=AgentKind.permanent,
                       contract_start=start) for i in range(AGENTS)]
        db.session.add_all(agents)
        db.session.flush()
        photo = reencode_photo(jpeg_bytes(size=(300, 400)))
        db.session.add_all([AgentPhoto(user_id=a.id, jpeg=photo) for a in agents[WITHOUT_PHOTO:]])
        db.session.commit()
        office_id = office.id
    yield office_id
    with live_database(live_server):
        ids = [uid for (uid,) in db.session.query(User.id).filter(User.office_id == office_id)]
        AuditEvent.query.filter(AuditEvent.actor_id.in_(ids)).delete(synchronize_session=False)
        SetupLink.query.filter(SetupLink.user_id.in_(ids)).delete(synchronize_session=False)
        Pass.query.filter(Pass.office_id == office_id).delete(synchronize_session=False)
        AgentPhoto.query.filter(AgentPhoto.user_id.in_(ids)).delete(synchronize_session=False)
        User.query.filter(User.office_id == office_id).delete(synchronize_session=False)
        Office.query.filter_by(id=office_id).delete()
        db.session.commit()


def test_an_office_of_500(page, live_server, office_of_500, tmp_path):
    sign_in(page, live_server.url, ADMIN)
    page.goto(live_server.url + "/office/agents")
    expect(page.locator("[data-total]")).to_have_text(re.compile(r"^500 agents"))
    expect(page.locator(".agent-row")).to_have_count(50)
    expect(page.locator(".pager")).to_contain_text("Page 1 sur 10")

    # Filter: choosing "Sans photo" applies at once (a new page, whose script is loaded before the next choice).
    with page.expect_navigation():
        page.get_by_label("Afficher").select_option("no_photo")
    expect(page.locator("[data-total]")).to_have_text(re.compile(r"^20 agents"))
    with page.expect_navigation():
        page.get_by_label("Afficher").select_option("no_pass")
    expect(page.locator("[data-total]")).to_have_text(re.compile(r"^500 agents"))

    # Select the whole filter (ten pages), then issue.
    page.get_by_label("Choisir les 500 agents de ce filtre").check()
    expect(page.locator("[data-selected-count]")).to_have_text("500 agents choisis")
    with page.expect_navigation(timeout=WHOLE_OFFICE_MS):
        page.get_by_role("button", name="Délivrer un pass").click(timeout=WHOLE_OFFICE_MS)
    expect(page.locator("[data-issued]")).to_have_attribute("data-issued", str(AGENTS - WITHOUT_PHOTO))
    expect(page.get_by_text("Nom000 Prénom000").or_(page.get_by_text("Prénom000 Nom000")).first).to_be_visible()

    # Print a card sheet of the passes just issued: 8 cards an A4 page, every QR decodes.
    with page.expect_navigation(timeout=WHOLE_OFFICE_MS):
        page.get_by_role("button", name="Imprimer les cartes de ces passes").click(timeout=WHOLE_OFFICE_MS)
    expect(page.locator(".card-pass")).to_have_count(AGENTS - WITHOUT_PHOTO, timeout=60_000)
    expect(page.locator(".sheet")).to_have_count(60)
    numbers = page.locator(".sheet").first.locator(".card-pass").evaluate_all(
        "cards => cards.map(c => c.dataset.passNumber)")
    assert len(numbers) == 8
    pdf = tmp_path / "cards.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, page_ranges="1")  # the page the codes are read from
    page_one = pdfium.PdfDocument(str(pdf))[0].render(scale=200 / 72, grayscale=True).to_pil()  # 200 dpi
    texts = sorted(code.text for code in read_qr_codes(page_one))
    assert len(texts) == 8 and all(text.startswith("PR1:") for text in texts), texts
    with live_database(live_server):
        tokens = sorted(find_by_number(number).token for number in numbers)
    assert texts == tokens  # the first page holds exactly the first sheet's eight passes

    # Export the set-password links of the whole office.
    page.goto(live_server.url + "/office/agents")
    page.get_by_label("Choisir les 500 agents de ce filtre").check()
    with page.expect_navigation(timeout=WHOLE_OFFICE_MS):
        page.get_by_role("button", name="Liens pour choisir le mot de passe").click(timeout=WHOLE_OFFICE_MS)
    expect(page.locator("h1")).to_have_text("Liens pour 500 agents")
    expect(page.locator(".badge.ok")).to_have_count(0)  # no SMTP here: nothing claims to be sent
    page.reload()
    expect(page.locator("input[id^=link-]")).to_have_count(AGENTS)
    shown = page.locator("input[id^=link-]").evaluate_all("inputs => inputs.map(i => i.value)")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == AGENTS + 1 and [row[3] for row in rows[1:]] == shown
    page.goto(rows[1][3])  # a link of the sheet opens the set-password form
    expect(page.locator("input[type=password]").first).to_be_visible()

    # The office's figures of the year: every agent in the export and on the printable sheet.
    page.goto(live_server.url + "/office/overview")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX · Heures par agent").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == AGENTS and names[0] == "Nom000" and names[-1] == "Nom499"
    page.get_by_role("link", name="Fiche annuelle imprimable").click()
    expect(page.locator("[data-agents]")).to_have_text(str(AGENTS))
    expect(page.locator("tr[data-agent]")).to_have_count(AGENTS)
