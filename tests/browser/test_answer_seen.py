"""Issue 16 part 6: the badge beside « Signaler » goes once the agent's report page has had the
network's answer on screen (static/js/reports.js says so), not when the server rendered the page."""
import uuid

from playwright.sync_api import expect

from passresot.accounts.models import User
from passresot.extensions import db
from passresot.partners.models import Partner
from passresot.reports.api import record_report, triage
from passresot.reports.models import Report, ReportStatus
from .helpers import live_database, sign_in


AGENT = "agent@demo.passresot66.fr"


def answered_report(live_server) -> str:
    with live_database(live_server):
        agent = User.query.filter_by(email=AGENT).one()
        site = Partner.query.filter_by(active=True).first()
        report, _ = record_report(agent, {"id": str(uuid.uuid4()), "partner_id": site.id, "kind": "other",
                                          "text": "Le parking est fermé."})
        network = User.query.filter_by(email="reseau@demo.passresot66.fr").one()
        triage(network, report, ReportStatus.resolved, "Merci, le site est prévenu.", reports_url="/reports")
        db.session.commit()
        return report.id


def test_the_badge_goes_once_the_answer_was_on_screen(phone, live_server):
    report_id = answered_report(live_server)
    try:
        sign_in(phone, live_server.url, AGENT)
        phone.goto(live_server.url + "/visits")
        expect(phone.locator("[data-unseen-answers]")).to_be_visible()

        phone.goto(live_server.url + "/reports")
        expect(phone.locator(f'[data-new-answer="{report_id}"]')).to_be_visible()
        phone.locator("html[data-answers-seen]").wait_for(state="attached")
        expect(phone.locator("[data-unseen-answers]")).to_have_count(0)  # gone from this page's menu too

        phone.goto(live_server.url + "/visits")
        expect(phone.locator("[data-unseen-answers]")).to_have_count(0)
    finally:
        with live_database(live_server):
            Report.query.filter_by(id=report_id).delete()
            db.session.commit()
