"""Names in French order wherever lists are sorted, the same on SQLite and PostgreSQL (« Céret » before
« Collioure », lower case among upper case, accents only breaking ties)."""
from passresot.collation import by_name, french_key
from passresot.offices.api import offices_with_counts
from passresot.partners.admin_list import PartnerQuery, matching_partners
from passresot.stats.api import partners_not_visited
from tests.helpers import login

NAMES = ["Collioure", "Céret", "abbaye de Valbonne", "Éus", "Elne", "Zoo", "côte", "Cote"]
FRENCH = ["abbaye de Valbonne", "Céret", "Collioure", "Cote", "côte", "Elne", "Éus", "Zoo"]


def test_the_key_puts_accents_and_case_after_the_letters():
    assert sorted(NAMES, key=french_key) == FRENCH
    assert [row["n"] for row in by_name([{"n": n, "id": i} for i, n in enumerate(NAMES)], "n")] == FRENCH


def test_partners_offices_and_the_report_form_list_names_in_french_order(client, make):
    for name in NAMES:
        make.partner(name=name)
        make.office(name=f"OT {name}")
    assert [p.name for p in matching_partners(PartnerQuery())] == FRENCH
    assert [office.name for office, _count in offices_with_counts()] == [f"OT {n}" for n in FRENCH]
    assert [name for name, _commune in partners_not_visited(2026, limit=3)] == FRENCH[:3]

    agent = make.agent()
    login(client, agent.email)
    html = client.get("/reports").get_data(as_text=True)
    assert [html.index(f">{name} — ") for name in FRENCH] == sorted(html.index(f">{name} — ") for name in FRENCH)


def test_the_network_admins_partner_list_is_in_french_order(client, make):
    for name in NAMES:
        make.partner(name=name)
    login(client, make.network_admin().email)
    html = client.get("/admin/partners").get_data(as_text=True)
    positions = [html.index(f">{name}</a>") for name in FRENCH]
    assert positions == sorted(positions)
