"""Issue 18 part 2: each precached file has its own revision. A deploy that changes one static file
costs a device that one file (the others are copied from the previous version's cache), besides
the worker's own modules that the browser checks at each update (about 20 KB), and an agent's
phone never downloads the scanner's 1.1 MB QR decoder nor its page's files."""
import re
import shutil

import pytest
from playwright.sync_api import expect

from .faulty_proxy import FaultyProxy
from .helpers import ROOT, sign_in

AGENT = "agent@demo.passresot66.fr"
READY = "Disponible hors connexion"


@pytest.fixture
def own_static(live_server, tmp_path):
    """The live server serving a copy of static/ that the test may change (a deploy)."""
    folder = tmp_path / "static"
    shutil.copytree(ROOT / "static", folder)
    live_server.stop()
    live_server.start(PASSRESOT_STATIC_FOLDER=str(folder))
    yield folder


@pytest.fixture
def proxy(live_server):
    proxy = FaultyProxy(live_server.port)  # every request line the device sends, in order
    yield proxy
    proxy.close()


def worker_modules() -> set[str]:
    """The static modules sw.js imports, and theirs: the browser fetches them with the worker."""
    found, todo = set(), ["/static/js/sw.js"]
    while todo:
        url = todo.pop()
        source = (ROOT / url.lstrip("/")).read_text()
        for imported in re.findall(r"""^import\s[^;]*?\bfrom\s*["']([^"']+)["']""", source, re.M | re.S):
            path = imported if imported.startswith("/") else "/static/js/" + imported.removeprefix("./")
            if path.startswith("/static/") and path not in found:
                found.add(path)
                todo.append(path)
    return found


def static_requests(proxy, since: int) -> list[str]:
    with proxy.lock:
        lines = [line.decode() for line in proxy.seen[since:]]
    return sorted({line.split()[1] for line in lines if " /static/" in line})


def test_a_deploy_that_changes_one_file_makes_the_device_fetch_that_file_only(phone, live_server, own_static, proxy):
    sign_in(phone, proxy.url, AGENT)
    phone.goto(proxy.url + "/pass")
    phone.locator("[data-offline-ready]").get_by_text(READY).wait_for(timeout=60_000)
    first_install = static_requests(proxy, 0)
    assert "/static/css/pass.css" in first_install and len(first_install) > 20
    worker = worker_modules()
    assert "/static/js/scanner-outbox.js" in worker and "/static/js/scanner.js" not in worker
    assert not [url for url in first_install if "zxing" in url or "barcode-detector" in url
                or ("scanner" in url and url not in worker)]

    pass_css = own_static / "css" / "pass.css"
    pass_css.write_text(pass_css.read_text() + "\n/* deploy 2 */\n")
    live_server.stop()
    live_server.start(PASSRESOT_STATIC_FOLDER=str(own_static))
    mark = len(proxy.seen)
    phone.reload()  # the browser checks /sw.js: a new version
    expect(phone.locator("#sw-update")).to_be_visible(timeout=60_000)  # the new worker is installed
    with phone.expect_event("load"):  # the page reloads once the new worker has taken over
        phone.get_by_role("button", name="Recharger").click()
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.locator("[data-offline-ready]").get_by_text(READY).wait_for(timeout=60_000)

    fetched = static_requests(proxy, mark)
    sizes = sum((ROOT / url.lstrip("/")).stat().st_size for url in fetched if url in worker_modules())
    print(f"\nafter a deploy of one file: {[u for u in fetched if u not in worker_modules()]}, "
          f"and the worker's {len(worker_modules())} modules ({sizes // 1024} KB)")
    assert [url for url in fetched if url not in worker_modules()] == ["/static/css/pass.css"]
    kept = phone.evaluate("caches.match(location.origin + '/static/css/pass.css').then((r) => r.text())")
    assert kept.endswith("/* deploy 2 */\n")
    assert phone.evaluate("caches.match(location.origin + '/static/js/pass.js').then(Boolean)")
    assert not phone.evaluate("caches.match(location.origin + '/static/vendor/zxing-wasm/zxing_reader.wasm').then(Boolean)")


def test_a_scanner_keeps_its_decoder_across_a_deploy_and_fetches_only_the_changed_scanner_file(
        phone, live_server, own_static, proxy):
    sign_in(phone, proxy.url, "partenaire@demo.passresot66.fr")
    phone.goto(proxy.url + "/scanner")
    phone.locator("[data-offline-ready]").get_by_text(READY).wait_for(timeout=60_000)
    assert "/static/vendor/zxing-wasm/zxing_reader.wasm" in static_requests(proxy, 0)

    pin = own_static / "js" / "scanner-typed.js"  # a scanner page file the worker does not import
    pin.write_text(pin.read_text() + "\n// deploy 2\n")
    live_server.stop()
    live_server.start(PASSRESOT_STATIC_FOLDER=str(own_static))
    mark = len(proxy.seen)
    phone.reload()
    expect(phone.locator("#sw-update")).to_be_visible(timeout=60_000)
    with phone.expect_event("load"):  # the page reloads once the new worker has taken over
        phone.get_by_role("button", name="Recharger").click()
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.locator("[data-offline-ready]").get_by_text(READY).wait_for(timeout=60_000)

    assert [url for url in static_requests(proxy, mark) if url not in worker_modules()] == ["/static/js/scanner-typed.js"]
    assert phone.evaluate("caches.match(location.origin + '/static/vendor/zxing-wasm/zxing_reader.wasm').then(Boolean)")
    kept = phone.evaluate("caches.match(location.origin + '/static/js/scanner-typed.js').then((r) => r.text())")
    assert kept.endswith("// deploy 2\n")
