"""axe-core on every main page, for each demo role, at 360 px and on the desktop: no serious or
critical violation. axe comes from npm (package.json "vendorFiles" copies it to static/vendor/).
page.add_script_tag(path=...) cannot inject it: Playwright inlines the file's text in a <script>,
which the Content-Security-Policy blocks (no inline script); so the page loads it by URL from our
own origin, which the policy allows (the fixtures fail a test on any CSP report). Set AXE_REPORT=path to append every violation found (all impacts) as JSON
lines, for a summary."""
import json
import os
import re

import pytest
from playwright.sync_api import expect

from passresot.accounts.models import User
from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.partners.models import Partner
from passresot.reports.models import Report

from tests.factories import jpeg_bytes
from .helpers import live_database, my_pass, run_axe, sign_in, wait_for_quiet_network, watch_network


BLOCKING = {"serious", "critical"}


class Audit:
    """Pages checked and what axe said; fails once at the end with every blocking violation."""

    def __init__(self, role):
        self.role = role
        self.checked = []
        self.blocking = []

    def check(self, page, label):
        width = page.viewport_size["width"]
        violations = run_axe(page)
        self.checked.append((label, width))
        if os.environ.get("AXE_REPORT"):
            with open(os.environ["AXE_REPORT"], "a") as report:
                report.write(json.dumps({"role": self.role, "page": label, "width": width,
                                         "violations": violations}) + "\n")
        self.blocking += [f"{label} @{width}px: {v['impact']} {v['id']} ({v['help']}) {v['nodes']}"
                          for v in violations if v["impact"] in BLOCKING]

    def visit(self, page, base_url, path, label=None, status=200):
        response = page.goto(base_url + path)
        assert response.status == status, f"{path}: {response.status}"
        wait_for_quiet_network(page)
        self.check(page, label or path)

    def assert_clean(self):
        assert self.checked
        assert not self.blocking, "axe-core, serious or critical:\n" + "\n".join(self.blocking)


def both(page, phone, base_url, email):
    for each in (page, phone):
        watch_network(each)
        if email:
            sign_in(each, base_url, email)
    return (page, phone)


def test_axe_signed_out_pages(page, phone, live_server):
    audit = Audit("anonymous")
    for each in both(page, phone, live_server.url, None):
        audit.visit(each, live_server.url, "/login")
        audit.visit(each, live_server.url, "/privacy")
        audit.visit(each, live_server.url, "/help")
        audit.visit(each, live_server.url, "/offline")
        audit.visit(each, live_server.url, "/password/not-a-real-token", "/password/<invalid>", status=410)
        audit.visit(each, live_server.url, "/no-such-page", "404 page", status=404)
    audit.assert_clean()


def test_axe_agent_pages(page, phone, live_server):
    audit = Audit("agent")
    with live_database(live_server):
        partner_id = Partner.query.order_by(Partner.id).first().id
    for each in both(page, phone, live_server.url, "agent@demo.passresot66.fr"):
        for path in ("/pass", "/pass/card", "/partners", "/visits", "/reports", "/me", "/me/history",
                     "/me/devices", "/privacy", "/help"):
            audit.visit(each, live_server.url, path)
        each.goto(f"{live_server.url}/partners/{partner_id}")
        expect(each.locator("h1[data-partner-name]")).not_to_be_empty()
        wait_for_quiet_network(each)
        audit.check(each, "/partners/<id>")
        audit.visit(each, live_server.url, "/admin/offices", "403 page", status=403)
    audit.assert_clean()


def test_axe_partner_staff_pages(page, phone, live_server, staff_site):  # noqa: F811
    audit = Audit("partner_staff")
    qr = my_pass(live_server, "saisonnier@demo.passresot66.fr")["qr"]
    for each in both(page, phone, live_server.url, "partenaire@demo.passresot66.fr"):
        for path in ("/site", "/site/edit", "/site/admissions", "/help"):
            audit.visit(each, live_server.url, path)
        audit.visit(each, live_server.url, "/scanner", "/scanner (idle)")
        each.fill("[data-code]", qr)
        each.get_by_role("button", name="Vérifier").click()
        verdict = each.locator("[data-verdict-box]")
        expect(verdict).to_be_visible()
        audit.check(each, "/scanner (verdict)")
        each.locator("[data-verdict-close]").click()
    audit.assert_clean()


def test_axe_office_admin_pages(page, phone, live_server):
    audit = Audit("office_admin")
    with live_database(live_server):
        agent_id = User.query.filter_by(email="agent@demo.passresot66.fr").one().id
    for each in both(page, phone, live_server.url, "ot@demo.passresot66.fr"):
        for path in ("/office/agents", "/office/agents/new", f"/office/agents/{agent_id}",
                     f"/office/agents/{agent_id}/visits", "/office/overview", "/office/agents/import", "/help",
                     "/office/agents?show=ending&sort=contract_end", "/office/agents/cards?scope=filtered"):
            audit.visit(each, live_server.url, re.sub(r"/\d+", f"/{agent_id}", path))
        # A batch of set-password links for the first agent of the list.
        each.goto(live_server.url + "/office/agents")
        each.locator("input[name=agent_ids]").first.check()
        with each.expect_navigation():
            each.get_by_role("button", name="Liens pour choisir le mot de passe").click()
        wait_for_quiet_network(each)
        audit.check(each, "/office/agents/links/<batch>")
        audit.visit(each, live_server.url, "/office/agents/photos")
        audit.visit(each, live_server.url, "/office/overview/report")
        # A preview of photos in bulk: one matched by e-mail, one matching nobody.
        each.goto(live_server.url + "/office/agents/photos")
        each.locator("input[name=photos]").set_input_files([
            {"name": "agent@demo.passresot66.fr.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((300, 400))},
            {"name": "inconnu.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((300, 400))}])
        with each.expect_navigation():
            each.get_by_role("button", name="Voir les correspondances").click()
        wait_for_quiet_network(each)
        audit.check(each, "/office/agents/photos/<batch>")
    audit.assert_clean()


def test_axe_network_admin_pages(page, phone, live_server):
    audit = Audit("network_admin")
    with live_database(live_server):
        partner_id = Partner.query.order_by(Partner.id).first().id
        report = Report.query.first()
        report_id = report.id if report else None
    for each in both(page, phone, live_server.url, "reseau@demo.passresot66.fr"):
        paths = ["/admin/stats", "/admin/offices", "/admin/offices/new", "/admin/partners",
                 "/admin/partners/new", f"/admin/partners/{partner_id}", "/admin/partners/import",
                 "/admin/reports", "/admin/scans/conflicts", "/help"]
        if report_id:
            paths.append(f"/admin/reports/{report_id}")
        for path in paths:
            audit.visit(each, live_server.url, path)
    audit.assert_clean()


def tab_to(page, selector, limit=40):
    """Press Tab until the focused element matches the CSS `selector`; checks on the way that each
    focused control shows a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate("""(selector) => {
            const el = document.activeElement, style = getComputedStyle(el);
            return {hit: el.matches(selector), tag: el.tagName,
                    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
        }""", selector)
        assert focus["ring"], f"no visible focus on {focus['tag']}"
        if focus["hit"]:
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture
def audit_trail_restored(live_server, staff_site):  # noqa: F811
    """The audit events this test adds on the demo site are removed (other tests count them)."""
    with live_database(live_server):
        last = db.session.query(db.func.max(AuditEvent.id)).scalar() or 0
    yield
    with live_database(live_server):
        AuditEvent.query.filter(AuditEvent.id > last, AuditEvent.target_id == staff_site).delete()
        db.session.commit()


def test_login_and_scanner_with_the_keyboard_only(phone, live_server, audit_trail_restored):
    """Tab reaches every control (the skip link first), Enter activates; the verdict is read out."""
    phone.goto(live_server.url + "/login")
    tab_to(phone, ".skip-link")
    tab_to(phone, "[name=email]")
    phone.keyboard.type("partenaire@demo.passresot66.fr")
    tab_to(phone, "[name=password]")
    phone.keyboard.type("demo-passresot66")
    tab_to(phone, "form[method=post] [type=submit]")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    phone.goto(live_server.url + "/scanner")
    tab_to(phone, "[data-camera-start]")
    tab_to(phone, "[data-code]")
    phone.keyboard.type(my_pass(live_server, "saisonnier@demo.passresot66.fr")["qr"])
    tab_to(phone, "[data-manual-form] [type=submit]")
    phone.keyboard.press("Enter")
    verdict = phone.locator("[data-verdict-box]")
    expect(verdict).to_have_attribute("data-verdict", "admitted")
    expect(phone.locator("[data-verdict-announce]")).to_contain_text("Entrée gratuite accordée")
    expect(phone.locator("[data-verdict-announce]")).to_have_attribute("aria-live", "assertive")
    # Focus went to "Scanner suivant"; Tab reaches "Annuler cette entrée", Enter undoes it.
    assert phone.evaluate("document.activeElement.matches('[data-verdict-close]')")
    tab_to(phone, "[data-verdict-undo]", limit=3)
    phone.keyboard.press("Enter")
    expect(verdict).to_have_attribute("data-reason", "undone")
    phone.locator("[data-verdict-close]").focus()
    phone.keyboard.press("Enter")
    expect(verdict).to_be_hidden()
    assert phone.evaluate("document.activeElement.matches('[data-code]')")
