"""One bad item never blocks the rest: a scan whose code carries a NUL character (the zxing polyfill
returns it intact), queued first with 99 good ones behind it. The server answers it with an error
entry (and, as PostgreSQL did before, with a 500 for the whole batch: the scanner splits the batch
until the culprit is alone); all 99 are recorded exactly once and the culprit is listed."""
import pytest
from playwright.sync_api import expect

from .helpers import (AGENT, DEFAULT_TIMEOUT_MS, FLUSH_WAIT_MS, POISON, SEASONAL, STAFF, my_pass, queue, recorded,
                      shot, sign_in, watch_csp)


def codes(live_server):
    good = [my_pass(live_server, AGENT)["qr"], my_pass(live_server, SEASONAL)["qr"]]
    good += [f"PR1:PAS-UN-PASS-{n}" for n in range(97)]  # recorded too, refused as malformed
    return [POISON] + good


def check_the_outcome(page, live_server, ids):
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0", timeout=FLUSH_WAIT_MS)
    rejected = page.locator("[data-rejected]")
    expect(rejected).to_have_attribute("data-count", "1")
    expect(rejected).to_contain_text("1 passage refusé par le serveur : ")
    assert recorded(live_server, ids[1:]) == set(ids[1:])  # all 99, each once (the id is the key)
    assert recorded(live_server, ids[:1]) == set()


def test_a_poisoned_item_with_99_good_ones_behind_it(page, live_server, staff_site):
    batch = codes(live_server)
    sign_in(page, live_server.url, STAFF)
    page.goto(live_server.url + "/scanner")
    page.locator("[data-scanner][data-ready=true]").wait_for()
    ids = queue(page, batch)
    page.reload()  # sent on open
    page.locator("[data-scanner][data-ready=true]").wait_for()
    check_the_outcome(page, live_server, ids)
    expect(page.locator("[data-rejected]")).to_contain_text("Caractère interdit")  # the server's own words
    shot(page, "scanner-rejected-item")
    page.reload()  # set aside: never sent again, still listed
    page.locator("[data-scanner][data-ready=true]").wait_for()
    expect(page.locator("[data-rejected]")).to_have_attribute("data-count", "1")
    expect(page.locator("[data-waiting]")).to_have_attribute("data-count", "0")


@pytest.fixture
def page_without_worker(browser):
    """A page whose requests Playwright can answer itself (no service worker in between)."""
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", service_workers="block",
                                  viewport={"width": 1280, "height": 800})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield watch_csp(context.new_page())
    context.close()


def test_a_batch_answered_500_is_split_until_the_culprit_is_alone(page_without_worker, live_server, staff_site):
    page = page_without_worker
    batch = codes(live_server)
    sizes = []

    def server_that_fails_on_nul(route):
        body = route.request.post_data or ""
        count = body.count('"id":')
        if "\\u0000" in body:  # as PostgreSQL answered before: the whole batch fails
            sizes.append((count, 500))
            route.fulfill(status=500, json={"error": {"code": "internal_error", "message": "Erreur interne"}})
        else:
            sizes.append((count, 200))
            route.continue_()

    sign_in(page, live_server.url, STAFF)
    page.goto(live_server.url + "/scanner")
    page.locator("[data-scanner][data-ready=true]").wait_for()
    ids = queue(page, batch)
    page.route("**/api/v1/scans", server_that_fails_on_nul)
    page.reload()
    page.locator("[data-scanner][data-ready=true]").wait_for()
    check_the_outcome(page, live_server, ids)
    # Halves of halves: 100 → 50 → 25 → 13 → 7 → 4 → 2 → 1 failed, the other halves went through.
    assert [size for size, status in sizes if status == 500] == [100, 50, 25, 13, 7, 4, 2, 1]
    assert sum(size for size, status in sizes if status == 200) == 99
