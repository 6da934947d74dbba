"""/admin/scans/conflicts: the network admin sees offline admissions the server refused, and overrides."""
from datetime import date, timedelta

import re

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.hours.api import agent_hours
from passresot.passes.api import issue_pass, revoke_pass
from passresot.timeutil import paris_today, utcnow
from passresot.visits import review
from passresot.visits.api import record_scans
from passresot.visits.models import Scan, Visit
from tests.helpers import csrf_token, login

from .helpers import item, set_periods

URL = "/admin/scans/conflicts"


def test_conflicts_and_overrides_are_listed_with_site_holder_reason_and_device(client, site):
    revoke_pass(None, site.pass_, "Téléphone perdu")
    db.session.commit()
    other = site.make.agent(site.office, first_name="Jordi", last_name="Puig")
    other_pass = issue_pass(None, other)
    today = paris_today()
    set_periods(site.partner, (date(today.year - 1, 1, 1), date(today.year - 1, 1, 2), False))
    record_scans(site.staff, [
        item(site.pass_.token, offline_verdict="admitted", device_id="tablette-caisse",
             scanned_at=utcnow() - timedelta(hours=2)),
        item(other_pass.token, override=True, device_id="telephone-guide"),
        item("PR1:faux", offline_verdict="admitted", device_id="tablette-caisse"),
        item("PR1:refus-ordinaire"),
    ])
    db.session.commit()
    login(client, site.make.network_admin().email)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("data-scan-id=") == 3  # the ordinary refusal is not a thing to review
    for text in ("Amélie Roca", "Jordi Puig", "Office de Tourisme de Collioure", "Musée d&#39;art moderne",
                 "tablette-caisse", "telephone-guide", "Ce pass n&#39;est plus valable : rendu, révoqué",
                 "Le site n&#39;accueille pas les pass en ce moment.", "Accepté quand même", "Conflit hors ligne",
                 "Inconnu : code illisible ou faux"):
        assert text in html, text
    assert "PR1:" not in html  # the scanned text itself is never shown


def test_an_empty_review_says_so(client, make):
    login(client, make.network_admin().email)
    assert "Aucun passage à vérifier" in client.get(URL).get_data(as_text=True)


# --- a conflict counts nowhere until the network admin accepts it (issue 14 part 3) -------------

def conflict_of(site, pass_, **extra):
    result = record_scans(site.staff, [item(pass_.token, offline_verdict="admitted", **extra)])[0]
    db.session.commit()
    assert result["conflict"] is True
    return result["id"]


def decide(client, scan_id, action, back=URL):
    return client.post(f"/admin/scans/{scan_id}/{action}",
                       data={"csrf_token": csrf_token(client, URL), "back": back})


def test_an_accepted_conflict_counts_from_then_on_a_voided_one_never(client, site):
    year = paris_today().year
    other = site.make.agent(site.office, first_name="Jordi", last_name="Puig")
    other_pass = issue_pass(None, other)
    revoke_pass(None, site.pass_, "Téléphone perdu")
    revoke_pass(None, other_pass, "Départ")
    db.session.commit()
    first, second = conflict_of(site, site.pass_), conflict_of(site, other_pass)
    assert Visit.query.count() == 0 and agent_hours(site.agent.id, year).pass_minutes == 0

    admin = site.make.network_admin()
    login(client, admin.email)
    page = client.get(URL + "?state=waiting").get_data(as_text=True)
    assert page.count("data-scan-id=") == 2 and page.count(">Accepter</button>") == 2
    response = decide(client, first, "accept")
    assert response.status_code == 302
    assert "l&#39;entrée compte désormais" in client.get(response.location).get_data(as_text=True)
    assert decide(client, second, "void").status_code == 302

    db.session.expire_all()
    accepted, voided = db.session.get(Scan, first), db.session.get(Scan, second)
    assert (accepted.review, accepted.reviewed_by_id, accepted.visit.user_id) == ("accepted", admin.id, site.agent.id)
    assert (voided.review, voided.visit_id) == ("voided", None)
    assert agent_hours(site.agent.id, year).pass_minutes > 0 and agent_hours(other.id, year).pass_minutes == 0
    assert {event.action for event in AuditEvent.query} >= {"scan.conflict_accepted", "scan.conflict_voided"}
    # Decided once: a second decision is refused in French, nothing changes.
    again = client.get(decide(client, first, "void").location).get_data(as_text=True)
    assert "déjà été traité" in again
    db.session.expire_all()
    assert db.session.get(Scan, first).review == "accepted"
    assert client.get(URL + "?state=waiting").get_data(as_text=True).count("data-scan-id=") == 0
    assert client.get(URL + "?state=voided").get_data(as_text=True).count("data-scan-id=") == 1


def test_accepting_a_conflict_whose_slot_is_taken_counts_it_once(client, site):
    assert record_scans(site.staff, [item(site.pass_.token)])[0]["status"] == "admitted"
    db.session.commit()
    taken = conflict_of(site, site.pass_)  # admitted offline again, the same year
    login(client, site.make.network_admin().email)
    decide(client, taken, "accept")
    db.session.expire_all()
    assert Visit.query.count() == 1 and db.session.get(Scan, taken).review == "accepted"
    assert "déjà comptée une fois" in client.get(URL).get_data(as_text=True)


def test_only_conflicts_are_decided_and_forms_need_their_token(client, site):
    ordinary = record_scans(site.staff, [item(site.pass_.token)])[0]["id"]
    db.session.commit()
    login(client, site.make.network_admin().email)
    assert "n&#39;est pas un conflit" in client.get(decide(client, ordinary, "accept").location).get_data(as_text=True)
    assert client.post(f"/admin/scans/{ordinary}/accept").status_code == 400  # no CSRF token
    assert decide(client, "00000000-0000-0000-0000-000000000000", "void").status_code == 404
    assert decide(client, ordinary, "accept", back="https://evil.example/").location.endswith(URL)


def test_the_review_filters_by_site_reason_state_and_date_and_pages_through_everything(client, site, monkeypatch):
    monkeypatch.setattr(review, "PAGE_SIZE", 2)
    other_site = site.make.partner(name="Château de Salses", accepts_all_year=True)
    other_staff = site.make.partner_staff(other_site)
    db.session.commit()
    old = utcnow() - timedelta(days=40)
    record_scans(site.staff, [item(f"PR1:faux-{n}", offline_verdict="admitted") for n in range(3)])
    record_scans(other_staff, [item("PR1:faux-salses", offline_verdict="admitted", scanned_at=old)])
    db.session.commit()
    login(client, site.make.network_admin().email)

    def ids(query):
        html = client.get(URL + query).get_data(as_text=True)
        return re.findall(r'data-scan-id="([^"]+)"', html), html

    first, html = ids("")
    assert len(first) == 2 and "Page 1 sur 2" in html and 'data-total="4"' in html
    second, _ = ids("?page=2")
    assert len(set(first) | set(second)) == 4  # nothing hidden behind a limit
    assert len(ids(f"?site={other_site.id}")[0]) == 1
    assert len(ids("?reason=malformed")[0]) == 2 and 'data-total="4"' in ids("?reason=malformed")[1]
    assert ids("?reason=revoked")[0] == []
    recent = (paris_today() - timedelta(days=1)).isoformat()
    assert 'data-total="3"' in ids(f"?from={recent}")[1]
    assert 'data-total="1"' in ids(f"?to={recent}&from=2000-01-01&site={other_site.id}")[1]
    bad = client.get(URL + "?from=hier&state=perdu")
    assert bad.status_code == 400 and "AAAA-MM-JJ" in bad.get_data(as_text=True)
