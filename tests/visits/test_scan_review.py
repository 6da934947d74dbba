"""/admin/scans/conflicts: the network admin sees offline admissions the server refused, and overrides."""
from datetime import date, timedelta

from passresot.extensions import db
from passresot.passes.api import issue_pass, revoke_pass
from passresot.timeutil import paris_today, utcnow
from passresot.visits.api import record_scans
from tests.conftest import login

from .conftest import item, set_periods

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
                 "tablette-caisse", "telephone-guide", "Ce pass a été annulé.",
                 "Le site n&#39;accueille pas les pass en ce moment.", "Accepté quand même", "Conflit hors ligne",
                 "Inconnu : code illisible ou faux"):
        assert text in html, text
    assert "PR1:" not in html  # the scanned text itself is never shown


def test_an_empty_review_says_so(client, make):
    login(client, make.network_admin().email)
    assert "Aucun passage à vérifier" in client.get(URL).get_data(as_text=True)
