"""Pass screens over HTTP: the agent's /pass and card, and the OT admin's issue, renew, return, revoke."""
import html
import re
from datetime import timedelta, timezone
from types import SimpleNamespace

import pytest
import qrcode
import qrcode.util
from babel.dates import format_date
from PIL import Image, ImageDraw

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.passes.api import issue_pass, return_pass, revoke_pass
from passresot.passes.models import Pass
from passresot.passes.qr import qr_version
from passresot.passes.token import parse_pass_token
from passresot.timeutil import PARIS, paris_today
from tests.helpers import FAST_HASH, csrf_token, login, read_qr_codes
from tests.factories import Factory

OFFICE_NAME = "Office de Tourisme de Collioure"
OTHER_OFFICE_NAME = "Office de Tourisme de Prades"
NO_PASS = "Pas de pass valable"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def paris_day(moment):
    return moment.replace(tzinfo=timezone.utc).astimezone(PARIS).date()


@pytest.fixture
def seed(app, clean_db):
    """Run `build(factory)` in a short request context of its own, commit, return plain values.

    Requests then run without a pushed app context, so `g` (Flask-Login's cached user) is never
    shared between requests or clients, as with `make` it would be.
    """
    def run(build):
        with app.test_request_context("/"):
            result = build(Factory(FAST_HASH))
            db.session.commit()
            return result
    return run


@pytest.fixture
def world(seed):
    def build(make):
        office, other_office = make.office(name=OFFICE_NAME), make.office(name=OTHER_OFFICE_NAME)
        people = SimpleNamespace(
            admin=make.office_admin(office, first_name="Anne", last_name="Directrice"),
            other_admin=make.office_admin(other_office),
            agent=make.agent(office, first_name="Amélie", last_name="Roca"),
            colleague=make.agent(office, first_name="Bruno", last_name="Sala"),
            no_photo=make.agent(office, photo=False, first_name="Carla", last_name="Sans-Photo"),
            other_agent=make.agent(other_office, first_name="Jordi", last_name="Pujol"),
        )
        return SimpleNamespace(office_id=office.id,
                               **{name: plain(user) for name, user in vars(people).items()})
    return seed(build)


def plain(user):
    return SimpleNamespace(id=user.id, email=user.email, full_name=user.full_name)


def issue(seed, agent_id, **kwargs):
    """Issue a pass in the database (as the system) and describe it."""
    from passresot.accounts.models import User

    def build(_):
        new = issue_pass(None, db.session.get(User, agent_id), **kwargs)
        db.session.flush()
        return SimpleNamespace(id=new.id, number=new.display_number, token=new.token,
                               valid_until=new.valid_until)
    return seed(build)


def close(seed, pass_id, how):
    def build(_):
        pass_ = db.session.get(Pass, pass_id)
        return_pass(None, pass_) if how == "returned" else revoke_pass(None, pass_, "Téléphone perdu")
    seed(build)


def passes_of(seed, agent_id):
    """[(status, close_reason, issued_by_id)] of an agent's passes, oldest first."""
    return seed(lambda _: [(p.status.value, p.close_reason, p.issued_by_id) for p in
                           Pass.query.filter_by(user_id=agent_id).order_by(Pass.id)])


def audit_count(seed):
    return seed(lambda _: AuditEvent.query.filter(AuditEvent.action.like("pass.%")).count())


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def post(client, url, token, **data):
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


# --- the QR code as served ----------------------------------------------------------------------

SQUARE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")


def served_qr_svg(page: str, container: str = "data-qr") -> str:
    match = re.search(r'<div[^>]*\b' + container + r'\b[^>]*>\s*(<svg.*?</svg>)\s*</div>', page, re.S)
    assert match, f"no <svg> inside [{container}]"
    return match.group(1)


def rasterise(svg: str, scale: int = 8) -> Image.Image:
    """Draw the unit squares (M x,y H x+1 V y+1 H x z) of qr_svg's single path, `scale` px per module."""
    width, height = map(int, re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups())
    [path] = re.findall(r'<path d="([^"]*)"', svg)
    assert re.fullmatch(f"(?:{SQUARE.pattern})+", path), "the path is not only unit squares"
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, right, bottom, back in (map(int, square) for square in SQUARE.findall(path)):
        assert (right, bottom, back) == (x + 1, y + 1, x)
        draw.rectangle([x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1], fill=0)
    return image


def decode(svg: str):
    barcodes = read_qr_codes(rasterise(svg))
    assert len(barcodes) == 1
    return barcodes[0]


# --- the agent's pass screen (R7) -----------------------------------------------------------------

def test_the_pass_screen_shows_photo_name_office_validity_qr_and_number(app, world, seed):
    issued = issue(seed, world.agent.id)
    client = signed_in(app, world.agent.email)
    response = client.get("/pass")
    page = text(response)
    assert response.status_code == 200
    photo_url = f"/photos/agents/{world.agent.id}.jpg"
    assert re.search(r'<img class="pass-photo" src="' + re.escape(photo_url) + '"', page)
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg" and photo.data[:2] == b"\xff\xd8"
    assert re.search(r"<span>Amélie</span>\s*<span>Roca</span>", page)
    assert f'<p class="pass-office">{OFFICE_NAME}</p>' in page
    until = format_date(paris_day(issued.valid_until), "d MMMM y", locale="fr")
    assert f"Valable jusqu'au {until}" in page
    assert served_qr_svg(page).startswith("<svg")
    assert f"<strong data-pass-number>{issued.number}</strong>" in page
    assert NO_PASS not in page


def _expired(seed, agent_id):
    seed(lambda _: _set_contract_start(agent_id))
    return issue(seed, agent_id, today=paris_today() - timedelta(days=400))


def _set_contract_start(agent_id):
    from passresot.accounts.models import User

    db.session.get(User, agent_id).contract_start = None


@pytest.mark.parametrize("state,message", [
    pytest.param("none", "Votre office ne vous a pas encore délivré de pass", id="no-pass"),
    pytest.param("expired", "a expiré le", id="expired"),
    pytest.param("returned", "a été rendu à votre office", id="returned"),
    pytest.param("revoked", "a été révoqué par votre office. Contactez-le", id="revoked"),
])
def test_without_a_valid_pass_the_screen_says_so_and_shows_no_qr(app, world, seed, state, message):
    number = None
    if state == "expired":
        number = _expired(seed, world.agent.id).number
    elif state in ("returned", "revoked"):
        issued = issue(seed, world.agent.id)
        close(seed, issued.id, state)
        number = issued.number
    client = signed_in(app, world.agent.email)
    page = text(client.get("/pass"))
    assert NO_PASS in page and message in page
    if number:
        assert number in page
    assert "data-qr" not in page and "<svg" not in page
    card = text(client.get("/pass/card"))
    assert "Aucun pass valable à imprimer." in card and "<svg" not in card
    api = client.get("/api/v1/me/pass")
    assert api.status_code == (404 if state == "none" else 200)
    if state != "none":
        assert api.get_json()["status"] == state


@pytest.mark.parametrize("first_name,last_name,display,version", [
    pytest.param("Amélie", "Roca", "Amélie R.", 6, id="short-name"),
    # The longest display name (24 bytes, cut on a character) gives the longest token: 169 characters.
    pytest.param("Marie-Éléonore-Christelle", "Vilanova", "Marie-Éléonore-Christe", 7, id="longest-name"),
])
def test_the_served_qr_decodes_to_the_api_qr_text(app, seed, first_name, last_name, display, version):
    agent = seed(lambda make: plain(make.agent(first_name=first_name, last_name=last_name)))
    issue(seed, agent.id)
    client = signed_in(app, agent.email)
    qr_text = client.get("/api/v1/me/pass").get_json()["qr"]
    barcode = decode(served_qr_svg(text(client.get("/pass"))))
    assert barcode.text == qr_text
    assert qr_text.startswith("PR1:") and len(qr_text) <= 200
    code = qrcode.QRCode()
    code.add_data(qr_text, optimize=0)
    assert code.data_list[0].mode == qrcode.util.MODE_ALPHA_NUM
    assert barcode.ec_level == "M"
    assert int(barcode.extra["Version"]) == qr_version(qr_text) == version <= 10
    assert parse_pass_token(qr_text)[0].display_name == display and len(display.encode()) <= 24


def test_the_served_qr_has_a_2_module_border_and_the_page_knows_its_width(app, world, seed):
    """The SVG's own white border is 2 modules; the page's white padding adds 2 more, sized from the
    code's width in modules that the page is given (--qr-modules, the SVG's viewBox)."""
    issue(seed, world.agent.id)
    page = text(signed_in(app, world.agent.email).get("/pass"))
    svg = served_qr_svg(page)
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    squares = [tuple(map(int, square[:2])) for square in SQUARE.findall(svg)]
    assert min(x for x, _ in squares) == min(y for _, y in squares) == 2
    assert max(x for x, _ in squares) == max(y for _, y in squares) == side - 3
    assert re.search(r'<div class="pass-qr" data-qr style="--qr-modules: ' + str(side) + '">', page)


def test_the_printable_card(app, world, seed):
    issued = issue(seed, world.agent.id)
    client = signed_in(app, world.agent.email)
    response = client.get("/pass/card")
    page = text(response)
    assert response.status_code == 200
    assert '<article class="card-pass">' in page
    assert "Amélie" in page and "<strong>Roca</strong>" in page and OFFICE_NAME in page
    assert f"N° {issued.number}" in page
    assert paris_day(issued.valid_until).strftime("%d/%m/%Y") in page
    assert f'src="/photos/agents/{world.agent.id}.jpg"' in page
    assert decode(served_qr_svg(page, "card-qr")).text == issued.token
    assert "data-print" in page


def test_the_ot_admin_prints_the_card_of_an_agent_of_the_office(app, world, seed):
    issued = issue(seed, world.agent.id)
    page = text(signed_in(app, world.admin.email).get(f"/office/agents/{world.agent.id}/card"))
    assert f"N° {issued.number}" in page and "Amélie" in page
    assert decode(served_qr_svg(page, "card-qr")).text == issued.token


# --- the OT admin ---------------------------------------------------------------------------------

def test_issue_then_renew_from_the_agent_page(app, world, seed):
    client = signed_in(app, world.admin.email)
    page = text(client.get(f"/office/agents/{world.agent.id}"))
    assert f'action="/office/agents/{world.agent.id}/pass"' in page and "Délivrer le pass" in page
    token = csrf_token(client, f"/office/agents/{world.agent.id}")

    response = client.post(f"/office/agents/{world.agent.id}/pass", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.location.endswith(f"/office/agents/{world.agent.id}#pass")
    page = text(client.get(response.location))
    [(status, _, issued_by)] = passes_of(seed, world.agent.id)
    assert (status, issued_by) == ("active", world.admin.id)
    number = seed(lambda _: Pass.query.filter_by(user_id=world.agent.id).one().display_number)
    assert re.search(rf"Pass n° {number} délivré à Amélie Roca, valable jusqu'au \d{{1,2}}(?:er)? [a-zéû]+\.? \d{{4}}\.", page)
    assert "Renouveler le pass" in page and "Carte imprimable" in page and "Pass rendu" in page
    assert "Pass délivré" in page  # the history

    page = text(post(client, f"/office/agents/{world.agent.id}/pass", token))
    assert [s for s, _, _ in passes_of(seed, world.agent.id)] == ["replaced", "active"]
    assert "délivré à Amélie Roca" in page
    assert "Pass renouvelé" in page and "Pass remplacé" in page


def test_issue_is_refused_in_french_for_an_agent_without_photo(app, world, seed):
    client = signed_in(app, world.admin.email)
    page = text(client.get(f"/office/agents/{world.no_photo.id}"))
    assert "Pour délivrer le pass, il manque : la photo." in page
    assert "Délivrer le pass" not in page
    token = csrf_token(client, f"/office/agents/{world.no_photo.id}")
    page = text(post(client, f"/office/agents/{world.no_photo.id}/pass", token))
    assert "Pass impossible à délivrer pour l'instant : la photo." in page
    assert passes_of(seed, world.no_photo.id) == []


def test_issue_for_a_permanent_agent_whose_contract_ended_is_refused_in_french(app, world, seed):
    from passresot.accounts.models import User

    def end_contract(_):
        agent = db.session.get(User, world.agent.id)
        agent.contract_end = paris_today() - timedelta(days=1)
    seed(end_contract)
    client = signed_in(app, world.admin.email)
    token = csrf_token(client, f"/office/agents/{world.agent.id}")
    response = post(client, f"/office/agents/{world.agent.id}/pass", token)
    assert response.status_code == 200
    assert "Pass impossible à délivrer pour l'instant" in text(response)
    assert passes_of(seed, world.agent.id) == []


def test_return_a_pass(app, world, seed):
    issued = issue(seed, world.agent.id)
    client = signed_in(app, world.admin.email)
    token = csrf_token(client, f"/office/agents/{world.agent.id}")
    page = text(post(client, f"/office/passes/{issued.id}/return", token, note="Fin de saison"))
    assert f"Pass n° {issued.number} marqué comme rendu." in page
    assert passes_of(seed, world.agent.id) == [("returned", "Fin de saison", None)]
    assert "Rendu" in page and "Pass rendu" in page

    events = audit_count(seed)
    page = text(post(client, f"/office/passes/{issued.id}/return", token))
    assert "Ce pass n'est plus actif : il ne peut plus être modifié." in page
    assert passes_of(seed, world.agent.id) == [("returned", "Fin de saison", None)]
    assert audit_count(seed) == events


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_revoking_without_a_reason_is_refused_in_french_and_changes_nothing(app, world, seed, reason):
    issued = issue(seed, world.agent.id)
    events = audit_count(seed)
    client = signed_in(app, world.admin.email)
    token = csrf_token(client, f"/office/agents/{world.agent.id}")
    data = {} if reason is None else {"reason": reason}
    page = text(post(client, f"/office/passes/{issued.id}/revoke", token, **data))
    assert "Indiquez le motif de la révocation." in page
    assert passes_of(seed, world.agent.id) == [("active", None, None)]
    assert audit_count(seed) == events


def test_revoking_with_a_reason(app, world, seed):
    issued = issue(seed, world.agent.id)
    client = signed_in(app, world.admin.email)
    token = csrf_token(client, f"/office/agents/{world.agent.id}")
    page = text(post(client, f"/office/passes/{issued.id}/revoke", token, reason="Téléphone volé"))
    assert f"Pass n° {issued.number} révoqué." in page
    assert passes_of(seed, world.agent.id) == [("revoked", "Téléphone volé", None)]
    assert "Révoqué" in page and "Téléphone volé" in page
    agent_page = text(signed_in(app, world.agent.email).get("/pass"))
    assert NO_PASS in agent_page and "data-qr" not in agent_page


def test_bulk_issue_ignores_other_offices_and_lists_who_could_not_get_one(app, world, seed):
    client = signed_in(app, world.admin.email)
    token = csrf_token(client, "/office/agents")
    ids = [world.agent.id, world.no_photo.id, world.other_agent.id, world.colleague.id]
    response = client.post("/office/passes/issue", data={
        "csrf_token": token, "agent_ids": [str(i) for i in ids] + ["not-a-number"]})
    page = text(response)
    assert response.status_code == 200
    issued_part, failed_part = page.split("Non délivrés")
    assert "Amélie Roca" in issued_part and "Bruno Sala" in issued_part
    assert "Carla Sans-Photo" in failed_part and "la photo" in failed_part
    assert "Jordi" not in page and "Pujol" not in page
    assert re.search(r"<strong>2</strong>\s*passes délivrés", page)  # ngettext, no « délivré(s) »
    assert re.search(r"<strong>1</strong>\s*agent sans pass", page)
    assert [s for s, _, _ in passes_of(seed, world.agent.id)] == ["active"]
    assert [s for s, _, _ in passes_of(seed, world.colleague.id)] == ["active"]
    assert passes_of(seed, world.no_photo.id) == []
    assert passes_of(seed, world.other_agent.id) == []


@pytest.mark.parametrize("ids", [[], ["other"]], ids=["nobody", "only-another-office"])
def test_bulk_issue_with_nobody_of_the_office_asks_to_tick_someone(app, world, seed, ids):
    client = signed_in(app, world.admin.email)
    token = csrf_token(client, "/office/agents")
    page = text(client.post("/office/passes/issue", follow_redirects=True, data={
        "csrf_token": token, "agent_ids": [str(world.other_agent.id) for _ in ids]}))
    assert "Cochez au moins un agent." in page
    assert seed(lambda _: Pass.query.count()) == 0


def test_another_office_admin_gets_404_and_changes_nothing(app, world, seed):
    issued = issue(seed, world.agent.id)
    before = (passes_of(seed, world.agent.id), audit_count(seed))
    client = signed_in(app, world.other_admin.email)
    token = csrf_token(client, "/office/agents")
    calls = [
        client.post(f"/office/passes/{issued.id}/return", data={"csrf_token": token, "note": "x"}),
        client.post(f"/office/passes/{issued.id}/revoke", data={"csrf_token": token, "reason": "x"}),
        client.post(f"/office/agents/{world.agent.id}/pass", data={"csrf_token": token}),
        client.get(f"/office/agents/{world.agent.id}/card"),
    ]
    assert [r.status_code for r in calls] == [404] * 4
    assert all(issued.number not in text(r) and "Amélie" not in text(r) for r in calls)
    assert (passes_of(seed, world.agent.id), audit_count(seed)) == before
    # Their own office's agents still work: the 404 is about ownership, not a broken route.
    assert client.post(f"/office/agents/{world.other_agent.id}/pass",
                       data={"csrf_token": token}).status_code == 302


def test_an_agent_only_ever_sees_their_own_pass(app, world, seed):
    mine = issue(seed, world.colleague.id)
    theirs = issue(seed, world.agent.id)
    client = signed_in(app, world.colleague.email)
    for url in ("/pass", f"/pass?agent_id={world.agent.id}", f"/pass?id={theirs.id}", "/pass/card"):
        page = text(client.get(url))
        assert mine.number in page and theirs.number not in page and "Amélie" not in page, url
    assert client.get("/api/v1/me/pass").get_json()["pass_number"] == mine.number
    assert client.get(f"/photos/agents/{world.agent.id}.jpg").status_code == 404
    assert client.get(f"/photos/agents/{world.colleague.id}.jpg").status_code == 200
    assert client.get(f"/office/agents/{world.agent.id}/card").status_code == 403
    token = csrf_token(client, "/pass")
    assert client.post(f"/office/passes/{theirs.id}/revoke",
                       data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert passes_of(seed, world.agent.id) == [("active", None, None)]


def test_a_return_note_longer_than_the_column_is_cut_not_a_500(app, world, seed):
    """PostgreSQL refused a note over 300 characters with a 500 (issue 14)."""
    issued = issue(seed, world.agent.id)
    client = signed_in(app, world.admin.email)
    token = csrf_token(client, f"/office/agents/{world.agent.id}")
    response = post(client, f"/office/passes/{issued.id}/return", token, note="n" * 400)
    assert response.status_code == 200
    assert passes_of(seed, world.agent.id) == [("returned", "n" * 300, None)]
