"""A renewed pass's old QR code says it was replaced by a newer one, online (the server's `closed`)
and with no signal (the bundle's revocation), never only « annulé »."""
from playwright.sync_api import expect

from passresot.accounts.models import User
from passresot.extensions import db
from passresot.passes.api import issue_pass
from .helpers import SEASONAL, STAFF, live_database, my_pass, open_scanner, partner_scans, sign_in


REPLACED = "remplacé par un pass plus récent"


def verdict_text(phone, qr):
    phone.fill("[data-code]", qr)
    phone.get_by_role("button", name="Vérifier").click()
    box = phone.locator("[data-verdict-box]")
    expect(box).to_have_attribute("data-reason", "revoked")
    text = box.inner_text()
    phone.locator("[data-verdict-close]").click()
    return text


def test_the_old_code_of_a_renewed_pass_says_it_was_replaced(phone, live_server, staff_site):  # noqa: F811
    old_qr = my_pass(live_server, SEASONAL)["qr"]
    with live_database(live_server):
        issue_pass(None, User.query.filter_by(email=SEASONAL).one())  # renewed: the old one is replaced
        db.session.commit()
    sign_in(phone, live_server.url, STAFF)
    open_scanner(phone, live_server)
    assert REPLACED in verdict_text(phone, old_qr)

    live_server.stop()
    try:
        phone.reload()
        phone.locator("[data-scanner][data-ready=true]").wait_for()
        assert REPLACED in verdict_text(phone, old_qr)
        expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "1")
    finally:
        live_server.start()
    # The refusal made with no signal is sent once the server is back (and before staff_site's
    # clean-up: a scan sent after it would stay in the database for the next tests at this site).
    phone.reload()
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    made = partner_scans(live_server, staff_site)
    assert [row[1:4] for row in made] == [(SEASONAL, "refused", "revoked")] * 2, made
