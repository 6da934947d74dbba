"""The agent's partner list on a phone with no signal: seen once online, it opens, searches, filters
and shows any partner's page with the server stopped; partner text is always shown as text."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from passresot.accounts.models import User
from passresot.extensions import db
from passresot.partners.models import Booking, Partner, PartnerCategory, PartnerPeriod
from passresot.partners.directory import sort_key
from passresot.timeutil import paris_today
from passresot.visits.models import Visit
from .helpers import live_database, open_list_online, wait_until


AGENT = "agent@demo.passresot66.fr"
EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">Fort'


@pytest.fixture
def extra_partners(live_server):
    """Two partners of our own: a name full of markup, and a listing with gaps (R6)."""
    with live_database(live_server):
        evil = Partner(name=EVIL, commune="Elne", category=PartnerCategory.heritage, phone="04 68 22 33 44",
                       booking=Booking.not_required, accepts_all_year=True, latitude=42.6, longitude=2.97)
        gaps = Partner(name="Grotte aux informations manquantes", commune="Sorède", category=PartnerCategory.nature,
                       website="https://www.grotte-manquante.example", email="accueil@grotte-manquante.example")
        db.session.add_all([evil, gaps])
        db.session.commit()
        ids = {"evil": evil.id, "gaps": gaps.id}
    yield ids
    with live_database(live_server):
        for partner_id in ids.values():
            db.session.delete(db.session.get(Partner, partner_id))
        db.session.commit()


def rows(phone):
    return phone.locator("[data-list] .partner-item")


def row_texts(phone):
    return [re.sub(r"\s+", " ", text) for text in rows(phone).all_inner_texts()]


def found(phone) -> int:
    """The number of sites the list says match (only the first rows are drawn)."""
    return int(re.sub(r"\D", "", phone.locator("[data-count]").inner_text()))


def search(phone, text):
    phone.locator("[data-query]").fill("")
    phone.locator("[data-query]").type(text)


def test_the_list_seen_once_online_searches_and_opens_a_partner_with_the_server_stopped(phone, live_server):
    open_list_online(phone, live_server)
    online_count = phone.locator("[data-count]").inner_text()

    live_server.stop()
    phone.reload()

    phone.locator("[data-ready]").wait_for()
    assert phone.locator("[data-count]").inner_text() == online_count
    assert phone.locator("[data-sync]").get_attribute("data-state") in ("offline", "failed")
    assert "liste enregistrée le" in phone.locator("[data-sync]").inner_text()

    search(phone, "ceret")
    phone.wait_for_function("() => document.querySelectorAll('[data-list] .partner-item').length > 0")
    texts = row_texts(phone)
    assert texts and all("ceret" in sort_key(text) for text in texts), texts
    assert any("Céret" in text for text in texts)

    first = rows(phone).first
    name = first.locator(".partner-name").inner_text()
    first.click()
    assert re.search(r"/partners/\d+$", phone.url)
    assert phone.locator("[data-view=detail]").is_visible()
    assert phone.locator("[data-detail] h1").inner_text() == name

    # The detail URL itself opens offline too (the worker answers it with the list's shell).
    phone.reload()
    assert phone.locator("[data-detail] h1").inner_text() == name
    phone.get_by_role("link", name="Tous les partenaires").click()
    assert phone.locator("[data-view=list]").is_visible()


def test_with_no_network_at_all_the_list_says_offline(phone, live_server):
    open_list_online(phone, live_server)
    live_server.stop()
    phone.context.set_offline(True)
    phone.reload()
    phone.locator("[data-ready]").wait_for()
    assert phone.locator("[data-sync]").get_attribute("data-state") == "offline"
    assert "Hors connexion" in phone.locator("[data-sync]").inner_text()
    assert rows(phone).count() > 0


def test_filters_narrow_the_list(phone, live_server):
    open_list_online(phone, live_server)
    total = found(phone)
    phone.locator("[data-more-filters] summary").click()

    phone.select_option("[data-filter=category]", "winery")
    assert rows(phone).count() > 0
    assert set(phone.locator("[data-list] .tag").all_inner_texts()) == {"Domaine, producteur"}

    phone.select_option("[data-filter=category]", "")
    phone.select_option("[data-filter=commune]", "Villefranche-de-Conflent")
    assert {text for text in phone.locator("[data-list] .partner-meta").all_inner_texts()} == {"Villefranche-de-Conflent"}

    phone.select_option("[data-filter=commune]", "")
    phone.select_option("[data-filter=booking]", "required")
    assert 0 < found(phone) < total
    assert all("Sur réservation" in text for text in row_texts(phone))

    phone.select_option("[data-filter=booking]", "")
    phone.locator("[data-filter=today]").check()
    badges = phone.locator("[data-list] [data-today]")
    assert 0 < found(phone) < total
    assert set(badges.evaluate_all("nodes => nodes.map(n => n.dataset.today)")) == {"yes"}

    search(phone, "zzzz introuvable")
    assert rows(phone).count() == 0
    assert phone.locator("[data-empty]").inner_text().startswith("Aucun site ne correspond")
    phone.get_by_role("button", name="Effacer la recherche et les filtres").click()
    expect(phone.locator("[data-count]")).to_have_text(f"{total} sites")
    assert phone.locator("[data-query]").input_value() == ""


def test_not_visited_yet_this_year_hides_the_sites_already_visited(phone, live_server):
    with live_database(live_server):
        agent = User.query.filter_by(email=AGENT).one()
        partner = Partner.query.filter_by(active=True).order_by(Partner.name).first()
        visit = Visit(user_id=agent.id, partner_id=partner.id, year=paris_today().year)
        db.session.add(visit)
        db.session.commit()
        name, visit_id = partner.name, visit.id
    try:
        open_list_online(phone, live_server)
        search(phone, name)
        row = rows(phone).filter(has_text=name).first
        assert f"Déjà visité en {paris_today().year}" in row.inner_text()
        phone.locator("[data-filter=notVisited]").check()
        assert rows(phone).filter(has_text=name).count() == 0
    finally:
        with live_database(live_server):
            db.session.query(Visit).filter_by(id=visit_id).delete()
            db.session.commit()


def test_a_name_with_markup_is_shown_as_text(phone, live_server, extra_partners):
    open_list_online(phone, live_server)
    search(phone, "pwned")
    row = rows(phone).first
    assert row.locator(".partner-name").inner_text() == EVIL
    assert phone.locator("[data-list] img, [data-list] script").count() == 0
    row.click()
    assert phone.locator("[data-detail] h1").inner_text() == EVIL
    assert phone.locator("[data-detail] img, [data-detail] script").count() == 0
    assert phone.evaluate("window.__pwned") is None


def test_missing_information_comes_first_with_the_contact_the_site_has(phone, live_server, extra_partners):
    open_list_online(phone, live_server)
    phone.goto(f"{live_server.url}/partners/{extra_partners['gaps']}")
    phone.locator("[data-detail] h1").wait_for()

    first = phone.locator("[data-detail] > *").first
    assert first.get_attribute("data-incomplete") is not None
    assert first.locator(".incomplete-title").inner_text() == \
        "Informations incomplètes : contactez le site avant votre visite"
    assert "le téléphone" in first.inner_text() and "la règle de réservation" in first.inner_text()
    assert first.get_by_role("link", name="Site web").get_attribute("href") == "https://www.grotte-manquante.example/"
    assert first.get_by_role("link", name="E-mail").get_attribute("href") == "mailto:accueil@grotte-manquante.example"
    assert phone.locator("[data-detail] [data-today]").get_attribute("data-today") == "unknown"


def test_a_complete_listing_has_tap_to_call_and_a_map_link(phone, live_server, extra_partners):
    open_list_online(phone, live_server)
    phone.goto(f"{live_server.url}/partners/{extra_partners['evil']}")
    phone.locator("[data-detail] h1").wait_for()
    assert phone.locator("[data-incomplete]").count() == 0
    assert phone.locator("[data-call]").get_attribute("href") == "tel:0468223344"
    assert phone.locator("[data-call]").is_visible()
    geo = phone.locator("[data-map=app]")
    assert geo.is_visible()
    assert geo.get_attribute("href").startswith("geo:42.6,2.97?q=42.6,2.97(")
    assert phone.locator("[data-map=web]").get_attribute("href").startswith(
        "https://www.openstreetmap.org/?mlat=42.6&mlon=2.97")
    assert "Toute l'année" in phone.locator("[data-detail] .partner-facts").inner_text()


def test_sort_by_distance_uses_the_position_the_agent_allows(browser, live_server):
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 360, "height": 740},
                                  is_mobile=True, has_touch=True, geolocation={"latitude": 42.4853, "longitude": 2.7481})
    context.grant_permissions(["geolocation"], origin=live_server.url)
    phone = context.new_page()
    try:
        open_list_online(phone, live_server)
        phone.locator("[data-more-filters] summary").click()
        phone.select_option("[data-filter=sort]", "distance")
        phone.wait_for_function("() => document.querySelector('[data-list] .partner-meta').textContent.includes('km')"
                                " || document.querySelector('[data-list] .partner-meta').textContent.includes(' m')")
        metas = phone.locator("[data-list] .partner-meta").all_inner_texts()
        assert metas[0].startswith("Céret"), metas[:3]
        distances = [_km(meta) for meta in metas if _km(meta) is not None]
        assert distances == sorted(distances) and len(distances) > 5
    finally:
        context.close()


def _km(meta):
    match = re.search(r"([\d,]+) (k?m)$", meta)
    if not match:
        return None
    value = float(match.group(1).replace(",", "."))
    return value if match.group(2) == "km" else value / 1000


def test_a_period_spanning_new_year_reads_in_plain_french(phone, live_server):
    with live_database(live_server):
        partner = Partner(name="Station de ski de test", commune="Les Angles", category=PartnerCategory.activity,
                          phone="04 68 04 32 76", booking=Booking.required,
                          periods=[PartnerPeriod(starts_on=date(2026, 12, 15), ends_on=date(2027, 4, 15), recurring=True)])
        db.session.add(partner)
        db.session.commit()
        partner_id = partner.id
    try:
        open_list_online(phone, live_server)
        phone.goto(f"{live_server.url}/partners/{partner_id}")
        facts = phone.locator("[data-detail] .partner-facts")
        facts.wait_for()
        assert "Chaque année, du 15 décembre au 15 avril" in facts.inner_text()
        assert "Réservation obligatoire" in facts.inner_text()
    finally:
        with live_database(live_server):
            db.session.delete(db.session.get(Partner, partner_id))
            db.session.commit()


def test_signing_out_forgets_the_stored_list_and_visits(phone, live_server):
    open_list_online(phone, live_server)
    assert "passresot-partners" in phone.evaluate("indexedDB.databases().then(dbs => dbs.map(db => db.name))")

    phone.locator(".usermenu summary").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Se déconnecter").click()

    wait_until(phone, "() => indexedDB.databases().then(dbs => !dbs.some(db => db.name === 'passresot-partners'))")
    assert phone.evaluate("caches.match(location.origin + '/partners')") is None


def test_the_first_rows_come_first_and_the_rest_on_scroll(phone, live_server):
    open_list_online(phone, live_server)
    total = found(phone)
    assert total > 24  # the demo's partners
    assert rows(phone).count() == 24
    phone.locator("[data-list] li").last.scroll_into_view_if_needed()
    expect(rows(phone)).to_have_count(min(total, 24 + 50))
