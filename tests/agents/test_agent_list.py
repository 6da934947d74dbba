"""The agent list at the scale of hundreds: filters, French sort, paging, selections and bulk actions."""
import csv
import io
import re
from datetime import date, timedelta

import pytest

from passresot.accounts.api import user_for_setup_link
from passresot.accounts.models import SetupLink
from passresot.agents.listing import PAGE_SIZE, french_key
from passresot.passes.api import issue_pass, live_pass
from tests.helpers import login

LIST = "/office/agents"


def names(html) -> list:
    return re.findall(r"<strong>([^<]+)</strong><small>", html)


def token(client) -> str:
    page = client.get(LIST).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


@pytest.fixture
def office(make):
    return make.office()


@pytest.fixture
def admin(client, make, office):
    user = make.office_admin(office)
    assert login(client, user.email).status_code == 302
    return user


def test_french_collation_puts_accented_names_among_their_letters():
    assert sorted(["Collioure", "Céret", "Elne", "Éus", "canet"], key=french_key) == [
        "canet", "Céret", "Collioure", "Elne", "Éus"]


def test_list_sorts_in_french_and_pages(client, make, office, admin):
    for last in ["Collioure", "Céret", "Abadie"]:
        make.agent(office, last_name=last, photo=False)
    for i in range(PAGE_SIZE):
        make.agent(office, last_name=f"Zz{i:03d}", photo=False)
    first = client.get(LIST).get_data(as_text=True)
    assert [n.split()[0] for n in names(first)[:3]] == ["Abadie", "Céret", "Collioure"]
    assert len(names(first)) == PAGE_SIZE and "Page 1 sur 2" in first
    second = client.get(LIST + "?page=2").get_data(as_text=True)
    assert len(names(second)) == 3 and "Zz049" in second
    backwards = client.get(LIST + "?sort=-name").get_data(as_text=True)
    assert names(backwards)[0].startswith("Zz049")


def test_filters(client, make, office, admin):
    today = date.today()
    no_photo = make.agent(office, last_name="Sansphoto", photo=False)
    seasonal = make.agent(office, last_name="Saison", seasonal=True, contract_end=today + timedelta(days=90))
    ending = make.agent(office, last_name="Finit", seasonal=True, contract_end=today + timedelta(days=10))
    holder = make.agent(office, last_name="Titulaire")
    issue_pass(admin, holder)
    gone = make.agent(office, last_name="Parti", active=False)
    make.agent(make.office(), last_name="Ailleurs")  # another office: never listed

    def shown(show):
        return {n.split()[0] for n in names(client.get(f"{LIST}?show={show}").get_data(as_text=True))}

    assert shown("") == {"Sansphoto", "Saison", "Finit", "Titulaire"}
    assert shown("no_pass") == {"Sansphoto", "Saison", "Finit"}
    assert shown("no_photo") == {no_photo.last_name}
    assert shown("seasonal") == {seasonal.last_name, ending.last_name}
    assert shown("ending") == {ending.last_name}
    assert shown("inactive") == {gone.last_name}
    assert {n.split()[0] for n in names(client.get(f"{LIST}?q=titu").get_data(as_text=True))} == {"Titulaire"}


def test_issue_to_every_agent_of_a_filter_and_print_their_cards(client, make, office, admin):
    agents = [make.agent(office, last_name=f"Agent{i:03d}") for i in range(PAGE_SIZE + 5)]
    make.agent(office, last_name="Sansphoto", photo=False)
    outsider = make.agent(make.office(), last_name="Ailleurs")
    response = client.post("/office/passes/issue", data={
        "csrf_token": token(client), "scope": "filtered", "show": "no_pass", "mode": "new",
        "agent_ids": [str(outsider.id)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'data-issued="{PAGE_SIZE + 5}"' in html
    assert all(live_pass(a.id) for a in agents) and live_pass(outsider.id) is None
    assert "Sansphoto" in html  # the one who cannot have a pass is named with the reason
    again = client.post("/office/passes/issue", data={
        "csrf_token": token(client), "agent_ids": [str(agents[0].id)], "mode": "new"})
    assert 'data-issued="0"' in again.get_data(as_text=True)  # « Délivrer » leaves a valid pass alone
    old = live_pass(agents[0].id).id
    client.post("/office/passes/issue", data={"csrf_token": token(client), "agent_ids": [str(agents[0].id)],
                                              "mode": "renew"})
    assert live_pass(agents[0].id).id != old

    sheet = client.get("/office/agents/cards?scope=filtered").get_data(as_text=True)
    assert sheet.count('class="card-pass"') == PAGE_SIZE + 5
    assert sheet.count('class="sheet"') == -(-(PAGE_SIZE + 5) // 8)
    assert "Sansphoto" in sheet  # listed as having no card
    picked = client.get(f"/office/agents/cards?agent_ids={agents[1].id}&agent_ids={outsider.id}")
    assert picked.get_data(as_text=True).count('class="card-pass"') == 1


def test_links_of_a_selection_survive_a_reload_and_export_as_csv(client, make, office, admin):
    agents = [make.agent(office, last_name=f"Lien{i}") for i in range(3)]
    outsider = make.agent(make.office())
    response = client.post("/office/agents/links", data={
        "csrf_token": token(client), "agent_ids": [str(a.id) for a in agents] + [str(outsider.id)]})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    links = re.findall(r'value="(http://localhost/password/[^"]+)"', page)
    assert len(links) == 3 and SetupLink.query.count() == 3
    # No SMTP in tests: nothing left, so no « envoyé » badge.
    assert "Envoyé par e-mail" not in page and page.count("À transmettre") == 3
    assert re.findall(r'value="(http://localhost/password/[^"]+)"',
                      client.get(response.headers["Location"]).get_data(as_text=True)) == links
    assert {user_for_setup_link(url.rsplit("/", 1)[1]).id for url in links} == {a.id for a in agents}
    batch = response.headers["Location"].rsplit("/", 1)[1]
    exported = client.get(f"/office/agents/links/{batch}.csv")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert [row[3] for row in rows[1:]] == links
    # A link once used is shown as such, never again as a working link.
    assert client.get(links[0]).status_code == 200


def test_another_admin_cannot_open_a_batch(app, client, make, office, admin):
    agent = make.agent(office)
    response = client.post("/office/agents/links", data={"csrf_token": token(client), "agent_ids": [str(agent.id)]})
    location = response.headers["Location"]
    other = make.office_admin(make.office())
    stranger = app.test_client()
    assert login(stranger, other.email).status_code == 302
    assert stranger.get(location).status_code == 404
    assert stranger.get(location + ".csv").status_code == 404
