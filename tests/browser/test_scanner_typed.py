"""Typed pass numbers: "Accepter quand même" works after a typed number, online and offline; offline,
a number the device cannot check gets "Accepter" / "Refuser", and the staff's choice is recorded
as the offline verdict the server re-checks."""
from playwright.sync_api import expect

from passresot.visits.models import Scan
from .helpers import AGENT, SEASONAL, STAFF, live_database, my_pass, open_scanner, paste, shot, sign_in


def made_at(live_server, site):
    with live_database(live_server):
        return [(s.pass_.holder.email, s.pass_number is not None, s.status.value, s.reason, s.override,
                 s.offline_verdict.value if s.offline_verdict else None)
                for s in Scan.query.filter_by(partner_id=site).order_by(Scan.scanned_at)]


def test_override_after_a_typed_number_online_and_offline(page, live_server, closed_site):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    agent_number = my_pass(live_server, AGENT)["pass_number"]
    seasonal_number = my_pass(live_server, SEASONAL)["pass_number"]
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)

    box = paste(page, agent_number)
    expect(box).to_have_attribute("data-reason", "outside_accepted_period")  # the server's verdict
    page.get_by_role("button", name="Accepter quand même").click()
    expect(box).to_have_attribute("data-verdict", "admitted")
    expect(page.locator("[data-verdict-office]")).to_contain_text("Office : ")  # recorded by the server
    page.locator("[data-verdict-close]").click()

    live_server.stop()
    page.reload()
    page.locator("[data-scanner]").wait_for()
    box = paste(page, seasonal_number)
    expect(box).to_have_attribute("data-reason", "outside_accepted_period")  # the site's periods, on the device
    expect(page.locator("[data-verdict-accept]")).to_be_hidden()
    page.get_by_role("button", name="Accepter quand même").click()
    expect(box).to_have_attribute("data-verdict", "admitted")
    page.locator("[data-verdict-close]").click()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "2")

    live_server.start()
    page.reload()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    assert made_at(live_server, closed_site) == [
        (AGENT, True, "refused", "outside_accepted_period", False, None),
        (AGENT, True, "admitted", "outside_accepted_period", True, None),
        (SEASONAL, True, "refused", "outside_accepted_period", False, "refused"),
        (SEASONAL, True, "admitted", "outside_accepted_period", True, "admitted"),
    ]
    assert not [e for e in errors if "replace" in e], errors


def test_offline_the_staff_accept_or_refuse_a_typed_number(page, live_server, staff_site):
    agent_number = my_pass(live_server, AGENT)["pass_number"]
    seasonal_number = my_pass(live_server, SEASONAL)["pass_number"]
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)
    live_server.stop()
    page.reload()
    page.locator("[data-scanner]").wait_for()

    box = paste(page, agent_number)
    expect(box).to_have_attribute("data-verdict", "pending")
    expect(box).to_contain_text("puis acceptez ou refusez")
    shot(page, "scanner-typed-number-offline")
    page.get_by_role("button", name="Accepter", exact=True).click()
    expect(box).to_have_attribute("data-verdict", "admitted")
    expect(box).to_contain_text("le serveur le vérifiera")
    page.locator("[data-verdict-close]").click()

    box = paste(page, agent_number)  # the same number again: this device admitted it already
    expect(box).to_have_attribute("data-reason", "already_visited")
    page.locator("[data-verdict-close]").click()

    box = paste(page, seasonal_number)
    expect(box).to_have_attribute("data-verdict", "pending")
    page.get_by_role("button", name="Refuser", exact=True).click()
    expect(box).to_have_attribute("data-verdict", "refused")
    expect(box).to_contain_text("Vous avez refusé l'entrée.")
    page.locator("[data-verdict-close]").click()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "3")

    live_server.start()
    page.reload()
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    assert made_at(live_server, staff_site) == [
        (AGENT, True, "admitted", None, False, "admitted"),
        (AGENT, True, "refused", "already_visited", False, "refused"),
        # Turned away at the door: no admission behind the staff's back, and the statistics say why.
        (SEASONAL, True, "refused", "staff_refused", False, "refused"),
    ]


def test_a_typed_number_past_the_accounts_limit_is_admitted_without_the_holders_name(page, live_server, staff_site):
    """Typing numbers one after another must not page through the staff of the network (issue 14
    part 4): past TYPED_IDENTITY_RATE_LIMIT the door still works, but the server names no one."""
    agent_number = my_pass(live_server, AGENT)["pass_number"]
    live_server.stop()
    live_server.start(TYPED_IDENTITY_RATE_LIMIT="0/3600")
    sign_in(page, live_server.url, STAFF)
    open_scanner(page, live_server)
    box = paste(page, agent_number)
    expect(box).to_have_attribute("data-verdict", "admitted")
    expect(page.locator("[data-verdict-note]")).to_contain_text("ni le nom ni la photo")
    expect(page.locator("[data-verdict-holder]")).to_have_text("")
    expect(page.locator("[data-verdict-photo]")).to_be_hidden()
    assert made_at(live_server, staff_site) == [(AGENT, True, "admitted", None, False, None)]
