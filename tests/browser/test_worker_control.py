"""Issue 20 parts 1 and 2: the first installation of the worker finishes on a weak signal. A file
whose answer is lost is fetched again by the worker; one still missing after those tries fails
that install, and the open page registers again (instead of waiting for the next page load, when
the agent may already be out of signal)."""
import time

from .faulty_proxy import FaultyProxy
from .helpers import sign_in, wait_until, wait_until_kept

AGENT = "agent@demo.passresot66.fr"


def test_a_first_install_that_failed_is_tried_again_while_the_page_is_open(phone, live_server):
    proxy = FaultyProxy(live_server.port)
    try:
        # The worker tries each file 4 times: every answer to those tries is lost, so that install fails.
        proxy.lose_answers(b"GET /offline ", 4)
        sign_in(phone, proxy.url, AGENT)
        phone.goto(proxy.url + "/pass")

        phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=60_000)
        assert proxy.lost == 4
        assert phone.evaluate("caches.match(location.origin + '/offline').then(Boolean)")
        phone.get_by_text("Disponible hors connexion").wait_for(timeout=30_000)
    finally:
        proxy.close()


def test_a_page_whose_navigation_began_before_the_worker_was_active_is_taken_over(phone, live_server):
    """The cause of the worker that "never took control" (issue 20 part 1): a page whose navigation
    went to the network while the worker was still installing comes back after the worker's
    clients.claim() has run, and claim() only takes pages that exist. Unless the page asks, it stays
    uncontrolled for its whole life (and is not kept for offline use)."""
    proxy = FaultyProxy(live_server.port)
    try:
        install_file_arrived, let_install_finish = proxy.hold(b"GET /offline ")
        sign_in(phone, proxy.url, AGENT)
        assert install_file_arrived.wait(30), "the worker never began to install"
        assert phone.evaluate("navigator.serviceWorker.getRegistration().then((r) => !r.active)")

        help_arrived, let_help_through = proxy.hold(b"GET /help ")
        phone.evaluate("() => { location.href = '/help'; }")
        assert help_arrived.wait(30)
        let_install_finish.set()  # the worker installs, activates and claims while /help is on its way
        watcher = phone.context.new_page()  # a second tab of the site sees the worker's state
        watcher.goto(proxy.url + "/offline")
        # "activated" once activate() (which ends with clients.claim()) has finished.
        wait_until(watcher, "() => navigator.serviceWorker.getRegistration().then((r) => r?.active?.state === 'activated')",
                   timeout_ms=30_000)
        let_help_through.set()

        phone.wait_for_url(proxy.url + "/help")
        phone.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=10_000)
        wait_until_kept(phone, proxy.url + "/help")
    finally:
        proxy.close()


def test_a_page_claimed_before_its_scripts_ran_is_still_kept_for_offline_use(phone, live_server):
    """A page that loaded from the network while the worker was installing (in another tab here), and
    that the worker claimed before the page's own scripts ran: the controller is there when
    sw-register.js runs and no controllerchange will come, so the page hands itself over then (a
    busy phone; seen as /partners never kept in a loaded test run)."""
    sign_in(phone, live_server.url, AGENT)
    phone.evaluate("navigator.serviceWorker.getRegistrations()"
                   ".then((all) => Promise.all(all.map((r) => r.unregister())))")
    held = []  # the page's sw-register.js, held (routing also keeps it out of the HTTP cache)
    phone.route("**/static/js/sw-register.js*", lambda route: held.append(route))
    phone.goto(live_server.url + "/partners", wait_until="commit")
    deadline = time.monotonic() + 20
    while not held and time.monotonic() < deadline:
        phone.wait_for_timeout(50)
    assert held, "the page never asked for sw-register.js"
    assert phone.evaluate("navigator.serviceWorker.controller") is None
    assert not phone.evaluate("caches.match(location.href).then(Boolean)")

    other_tab = phone.context.new_page()
    other_tab.goto(live_server.url + "/help")  # registers the worker again: it installs, activates, claims
    wait_until(phone, "() => navigator.serviceWorker.controller !== null", timeout_ms=30_000)
    held[0].continue_()

    wait_until_kept(phone, live_server.url + "/partners")
    other_tab.close()
