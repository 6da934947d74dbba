"""Issue 20 parts 1 and 2: the first installation of the worker finishes on a weak signal. A file
whose answer is lost is fetched again by the worker; one still missing after those tries fails
that install, and the open page registers again (instead of waiting for the next page load, when
the agent may already be out of signal)."""
from .conftest import sign_in
from .faulty_proxy import FaultyProxy

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
