"""The network admin's partner list: search without accents or case, filters, French order, pages."""
from datetime import date

from passresot.partners import admin_list
from passresot.partners.admin_list import PartnerQuery, matching_partners
from passresot.partners.models import Booking, PartnerCategory, PartnerPeriod
from tests.helpers import login


def names(query):
    return [p.name for p in matching_partners(query)]


def test_search_ignores_accents_and_case_and_filters_combine(make):
    make.partner(name="Musée d'art moderne", commune="Céret", category=PartnerCategory.museum,
                 phone="04 68 00 00 01", booking=Booking.not_required, accepts_all_year=True)
    make.partner(name="Château royal", commune="Collioure", category=PartnerCategory.heritage,
                 phone="04 68 00 00 02", booking=Booking.not_required, accepts_all_year=True)
    make.partner(name="Cave sans téléphone", commune="Céret", category=PartnerCategory.winery,
                 booking=Booking.not_required, accepts_all_year=True)
    make.partner(name="Ancien site", commune="Elne", active=False)
    assert names(PartnerQuery(search="CERET")) == ["Cave sans téléphone", "Musée d'art moderne"]
    assert names(PartnerQuery(search="musee ceret")) == ["Musée d'art moderne"]
    assert names(PartnerQuery(category="heritage")) == ["Château royal"]
    assert names(PartnerQuery(state="incomplete")) == ["Cave sans téléphone"]
    assert names(PartnerQuery(state="inactive")) == ["Ancien site"]
    assert len(names(PartnerQuery(state="all"))) == 4


def test_a_site_with_periods_is_complete_one_without_is_not(make):
    site = make.partner(name="Grotte", phone="04 68 00 00 03", booking=Booking.required)
    assert names(PartnerQuery(state="incomplete")) == ["Grotte"]
    site.periods.append(PartnerPeriod(starts_on=date(2026, 6, 1),
                                      ends_on=date(2026, 9, 30)))
    assert names(PartnerQuery(state="incomplete")) == []


def test_unknown_filter_values_fall_back_to_the_defaults():
    query = PartnerQuery.from_args({"q": "  x  ", "category": "zoo", "state": "everything"})
    assert query == PartnerQuery(search="x")


def test_the_page_searches_filters_and_pages(client, make, monkeypatch):
    monkeypatch.setattr(admin_list, "PAGE_SIZE", 2)
    for name in ("Collioure plage", "Céret arènes", "Elne cloître"):
        make.partner(name=name)
    make.partner(name="Musée fermé", active=False)
    login(client, make.network_admin().email)
    html = client.get("/admin/partners").get_data(as_text=True)
    assert html.index("Céret arènes") < html.index("Collioure plage") and "Elne cloître" not in html
    assert "Page 1 sur 2" in html and "Musée fermé" not in html
    assert "Elne cloître" in client.get("/admin/partners?page=2").get_data(as_text=True)
    html = client.get("/admin/partners?q=ceret").get_data(as_text=True)
    assert "Céret arènes" in html and "Collioure plage" not in html
    html = client.get("/admin/partners?state=inactive").get_data(as_text=True)
    assert "Musée fermé" in html and "Céret arènes" not in html
    assert "Aucun site ne correspond" in client.get("/admin/partners?q=zzz").get_data(as_text=True)
