"""GET /api/v1/partners (the directory agents keep offline), /api/v1/me/visits, the /partners pages,
the generator, and the period rules shared with static/js/partners-rules.js."""
import gzip
import json
import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from passresot.extensions import db
from passresot.partners.api import accepts_on, update_partner
from passresot.partners.directory import visits_of_year
from passresot.partners.generator import generate_partners
from passresot.partners.models import Booking, Partner, PartnerCategory, PartnerPeriod
from passresot.timeutil import paris_today, utcnow
from passresot.visits.models import Visit
from tests.helpers import login

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "partner_periods.json").read_text())
API = "/api/v1/partners"
SCRIPT_NAME = 'Musée <script>alert("x")</script> & Cie'


@pytest.fixture
def agent(make, client):
    agent = make.agent(photo=False)
    login(client, agent.email)
    return agent


def full_partner(make, **fields):
    values = dict(
        name="Musée d'art moderne de Céret", commune="Céret", category=PartnerCategory.museum,
        insee_code="66049", address="8 boulevard Maréchal Joffre", postal_code="66400",
        latitude=42.4853123456, longitude=2.7481987654, phone="04 68 87 27 76",
        email="accueil@musee-ceret.example", website="https://www.musee-ceret.example",
        socials=["https://www.facebook.com/museeceret"], manager_name="Núria Puig",
        booking=Booking.required, accepts_all_year=False, description="Picasso, Chagall, Matisse.",
        visit_minutes=90, opening_info="Tous les jours 10 h – 18 h.",
        periods=[PartnerPeriod(starts_on=date(2026, 6, 1), ends_on=date(2026, 9, 30), recurring=True),
                 PartnerPeriod(starts_on=date(2026, 12, 15), ends_on=date(2027, 4, 15), recurring=True),
                 PartnerPeriod(starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 8))])
    values.update(fields)
    return make.partner(**values)


def directory(client, **headers):
    response = client.get(API, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


# --- payload -------------------------------------------------------------------------------------

def test_the_directory_carries_every_r5_field_compactly(make, client, agent):
    partner = full_partner(make)
    body = directory(client).get_json()
    assert body["format"] == 1 and body["count"] == 1
    assert body["partners"] == [{
        "id": partner.id, "name": "Musée d'art moderne de Céret", "commune": "Céret", "category": "museum",
        "insee": "66049", "address": "8 boulevard Maréchal Joffre", "postal_code": "66400",
        "lat": 42.48531, "lon": 2.7482, "phone": "04 68 87 27 76", "email": "accueil@musee-ceret.example",
        "website": "https://www.musee-ceret.example", "socials": ["https://www.facebook.com/museeceret"],
        "manager": "Núria Puig", "booking": "required", "visit_minutes": 90,
        "description": "Picasso, Chagall, Matisse.", "opening": "Tous les jours 10 h – 18 h.",
        "periods": [["2026-05-01", "2026-05-08"], ["2026-06-01", "2026-09-30", 1], ["2026-12-15", "2027-04-15", 1]],
    }]


def test_empty_fields_are_left_out_and_all_year_is_said(make, client, agent):
    make.partner(name="Site minimal", commune="Elne", accepts_all_year=True)
    [entry] = directory(client).get_json()["partners"]
    assert set(entry) == {"id", "name", "commune", "category", "all_year"}
    assert entry["all_year"] is True


def test_only_active_partners_sorted_by_name_accents_ignored(make, client, agent):
    for name in ("Ermitage", "Élne – cloître", "abbaye de Cuxa", "Zoo"):
        make.partner(name=name)
    make.partner(name="Ancien site", active=False)
    names = [p["name"] for p in directory(client).get_json()["partners"]]
    assert names == ["abbaye de Cuxa", "Élne – cloître", "Ermitage", "Zoo"]


def test_partner_text_is_data_in_json_never_html(make, client, agent):
    make.partner(name=SCRIPT_NAME)
    response = directory(client)
    assert response.mimetype == "application/json"
    assert response.get_json()["partners"][0]["name"] == SCRIPT_NAME


# --- ETag, 304, gzip --------------------------------------------------------------------------------

def test_etag_is_strong_and_stable_and_if_none_match_gives_304(make, client, agent):
    full_partner(make)
    first = directory(client)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Accept-Encoding" in first.headers["Vary"]
    assert directory(client).headers["ETag"] == etag

    unchanged = client.get(API, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    assert client.get(API, headers={"If-None-Match": "W/" + etag}).status_code == 304
    assert client.get(API, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_any_change_makes_a_new_etag(make, client, agent):
    partner = full_partner(make)
    etags = [directory(client).headers["ETag"]]

    update_partner(None, partner, {"periods": [(date(2026, 7, 1), date(2026, 8, 31), True)]})
    db.session.commit()
    etags.append(directory(client).headers["ETag"])
    assert client.get(API, headers={"If-None-Match": etags[0]}).status_code == 200

    partner.phone = "04 68 00 00 00"
    db.session.commit()
    etags.append(directory(client).headers["ETag"])

    make.partner(name="Nouveau site")
    etags.append(directory(client).headers["ETag"])

    partner.active = False
    db.session.commit()
    response = directory(client)
    etags.append(response.headers["ETag"])
    assert [p["name"] for p in response.get_json()["partners"]] == ["Nouveau site"]
    assert len(set(etags)) == len(etags)


def test_gzip_when_accepted_with_its_own_etag(make, client, agent):
    full_partner(make)
    plain = directory(client)
    assert "Content-Encoding" not in plain.headers
    zipped = client.get(API, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Content-Type"] == "application/json"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    # Either ETag stands for the same content.
    for etag in (zipped.headers["ETag"], plain.headers["ETag"]):
        assert client.get(API, headers={"If-None-Match": etag, "Accept-Encoding": "gzip"}).status_code == 304
        assert client.get(API, headers={"If-None-Match": etag}).status_code == 304
    assert "Content-Encoding" not in client.get(API, headers={"Accept-Encoding": "gzip;q=0"}).headers


def test_five_thousand_generated_partners_fit_in_400_kb_gzipped(app_ctx, client, make):
    generate_partners(5000)
    db.session.commit()
    login(client, make.agent(photo=False).email)
    response = client.get(API, headers={"Accept-Encoding": "gzip"})
    body = json.loads(gzip.decompress(response.data))
    assert body["count"] == 5000
    assert len(response.data) <= 400 * 1024, f"{len(response.data) // 1024} KB"


# --- who may read it --------------------------------------------------------------------------------

def test_signed_out_is_401_json(client, make):
    make.partner()
    response = client.get(API)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", ["network_admin", "office_admin", "partner_staff", "agent"])
def test_every_signed_in_person_may_read_it(make, client, role):
    make.partner(name="Château Royal de Collioure")
    user = getattr(make, role)() if role != "agent" else make.agent(photo=False)
    login(client, user.email)
    names = [p["name"] for p in directory(client).get_json()["partners"]]
    assert "Château Royal de Collioure" in names


# --- the agent's visits -----------------------------------------------------------------------------

def test_my_visits_lists_this_paris_year_only(make, client, agent):
    year = paris_today().year
    seen, old, other = make.partner(), make.partner(), make.partner()
    someone = make.agent(photo=False)
    db.session.add_all([
        Visit(user_id=agent.id, partner_id=seen.id, year=year, admitted_at=utcnow()),
        Visit(user_id=agent.id, partner_id=old.id, year=year - 1),
        Visit(user_id=someone.id, partner_id=other.id, year=year),
    ])
    db.session.commit()
    response = client.get("/api/v1/me/visits")
    assert response.status_code == 200
    body = response.get_json()
    assert body["year"] == year
    assert [visit["partner_id"] for visit in body["visits"]] == [seen.id]
    assert body["visits"][0]["admitted_at"].endswith("Z")
    assert visits_of_year(agent.id, year - 1)[0]["partner_id"] == old.id


def test_my_visits_is_for_agents(make, client):
    login(client, make.network_admin().email)
    assert client.get("/api/v1/me/visits").status_code == 403


# --- the pages ------------------------------------------------------------------------------------

def test_the_list_page_is_a_shell_with_its_texts_and_scripts(make, client, agent):
    full_partner(make)
    html = client.get("/partners").get_data(as_text=True)
    assert 'data-api="/api/v1/partners"' in html
    assert 'data-visits-api="/api/v1/me/visits"' in html
    texts = json.loads(unescape(re.search(r"data-texts='([^']*)'", html).group(1)))
    assert texts["incomplete_title"] == "Informations incomplètes : contactez le site avant votre visite"
    assert texts["categories"]["museum"] == "Musée"
    assert '<script type="module" src="/static/js/partners.js' in html
    assert "<script>" not in html  # no inline script
    assert 'href="/partners" aria-current="page"' in html


def without_csrf_time(html: str) -> str:
    """The page with each CSRF token cut to its session part: a token also carries the second it was
    signed, and two pages asked for on either side of a second differ there (CI failed on that)."""
    html, tokens = re.subn(r'(=")([\w-]+)\.[\w-]+\.[\w-]+"', r'\1\2"', html)
    assert tokens, "no CSRF token on the page"
    return html


def test_a_detail_page_is_the_same_shell_and_404_for_an_inactive_or_unknown_partner(make, client, agent):
    partner = full_partner(make)
    gone = make.partner(active=False)
    # The same page but for the language switch's way back (it returns to the page it was on).
    detail, listing = (without_csrf_time(client.get(url).get_data(as_text=True))
                       for url in (f"/partners/{partner.id}", "/partners"))
    assert detail.replace(f'value="/partners/{partner.id}"', 'value="/partners"') == listing
    assert client.get(f"/partners/{gone.id}").status_code == 404
    assert client.get("/partners/999999").status_code == 404


def test_partner_names_never_reach_the_page_as_html(make, client, agent):
    partner = make.partner(name=SCRIPT_NAME)
    html = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "<script>alert" not in html


@pytest.mark.parametrize("role,status", [("office_admin", 200), ("network_admin", 200), ("partner_staff", 403)])
def test_who_opens_the_list(make, client, role, status):
    login(client, getattr(make, role)().email)
    response = client.get("/partners")
    assert response.status_code == status
    if status == 200:
        assert "data-visits-api" not in response.get_data(as_text=True)  # the visits filter is the agent's


# --- generator --------------------------------------------------------------------------------------

def test_generate_partners_command_makes_realistic_listings(app, app_ctx):
    result = app.test_cli_runner().invoke(args=["generate-partners", "60", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "60 partenaires générés" in result.output
    partners = Partner.query.all()
    assert len(partners) == 60 and len({p.name for p in partners}) == 60
    assert all(p.insee_code.startswith("66") and 42.3 < p.latitude < 42.9 for p in partners)
    assert any(p.periods and p.periods[0].recurring for p in partners)
    again = app.test_cli_runner().invoke(args=["generate-partners", "10", "--replace"])
    assert "(60 supprimés avant)" in again.output
    assert Partner.query.count() == 10


# --- period rules shared with the browser -----------------------------------------------------------

def _period(values):
    start, end, *recurring = values
    return PartnerPeriod(starts_on=date.fromisoformat(start), ends_on=date.fromisoformat(end),
                         recurring=bool(recurring and recurring[0]))


@pytest.mark.parametrize("case", VECTORS["contains"], ids=lambda c: f"{c['period']}-{c['day']}")
def test_period_contains_matches_the_shared_vectors(case):
    assert _period(case["period"]).contains(date.fromisoformat(case["day"])) is case["expected"]


@pytest.mark.parametrize("case", VECTORS["accepts"], ids=lambda c: f"{c['partner']}-{c['day']}")
def test_accepts_on_matches_the_shared_vectors(case):
    partner = Partner(accepts_all_year=case["partner"].get("all_year", False),
                      periods=[_period(p) for p in case["partner"].get("periods", [])])
    assert accepts_on(partner, date.fromisoformat(case["day"])) is case["expected"]
