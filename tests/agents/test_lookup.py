"""The network admin looks agents up, read-only: by name, e-mail or pass number, and from a report."""
import uuid

from passresot.agents.lookup import find_agents
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.passes.api import issue_pass
from passresot.reports.api import record_report
from tests.helpers import login


def test_agents_of_every_office_are_found_by_name_email_or_pass_number(make):
    perpignan, ceret = make.office(name="OT Perpignan"), make.office(name="OT Céret")
    anna = make.agent(perpignan, first_name="Anna", last_name="Écrivain", email="anna@ot-perpignan.fr")
    make.agent(ceret, first_name="Bruno", last_name="Ecrin", email="bruno@ot-ceret.fr")
    make.partner_staff(first_name="Anna", last_name="Écrivaine")  # not an agent: never listed
    assert [a.last_name for a in find_agents("ecri")[0]] == ["Ecrin", "Écrivain"]
    assert find_agents("ot-ceret.fr")[0][0].first_name == "Bruno"
    pass_ = issue_pass(make.office_admin(perpignan), anna)
    assert find_agents(pass_.display_number)[0] == [anna]
    assert find_agents("   ") == ([], False)


def test_from_a_report_the_admin_opens_the_agent_and_changes_nothing(client, make):
    agent = make.agent(first_name="Lucie", last_name="Martí")
    site = make.partner(name="Musée d'art moderne")
    report, _ = record_report(agent, {"id": str(uuid.uuid4()), "partner_id": site.id, "kind": "refused_entry",
                                      "text": "Entrée refusée"})
    db.session.commit()
    events = AuditEvent.query.count()
    login(client, make.network_admin().email)
    html = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert f'href="/admin/agents/{agent.id}"' in html
    page = client.get(f"/admin/agents/{agent.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Lucie Martí" in html and agent.office.name in html
    assert "Musée d&#39;art moderne" in html  # their reports
    assert "Pas encore de pass" in html
    assert 'method="post"' not in html.split("<main", 1)[1].split("</main>")[0]  # nothing to change here
    assert AuditEvent.query.count() == events
    assert "Martí Lucie" in client.get("/admin/agents?q=lucie+marti").get_data(as_text=True)


def test_an_id_that_is_not_an_agent_is_404(client, make):
    admin = make.network_admin()
    login(client, admin.email)
    assert client.get(f"/admin/agents/{admin.id}").status_code == 404
    assert client.get("/admin/agents/999999").status_code == 404
