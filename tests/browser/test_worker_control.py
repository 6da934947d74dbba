"""Issue 20 parts 1 and 2: the first installation of the worker finishes on a weak signal. A file
whose answer is lost is fetched again by the worker; one still missing after those tries fails
that install, and the open page registers again (instead of waiting for the next page load, when
the agent may already be out of signal)."""
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
