"""The PWA shell: manifest, icons, service worker, offline page and update banner, in real Chromium."""
import json
import posixpath
import os
import re
import urllib.request
from types import SimpleNamespace

import pytest
from PIL import Image

from passresot.web.pwa import PRECACHED_STATIC, SALT_ENV, compute_version, file_revision
from .helpers import CHROMIUM, CHROMIUM_ARGS, ROOT, sign_in, wait_until


ICONS_DIR = ROOT / "static" / "img" / "icons"
TEAL = (0x0B, 0x55, 0x63)


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers, response.read()


def wait_for_control(page):
    """Until the service worker is active and controls the page (it claims pages on activation)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def cache_names(page):
    return page.evaluate("caches.keys()")


# -- manifest, icons, worker script ---------------------------------------------------------

def test_manifest_has_what_browsers_need_to_install(live_server):
    status, headers, body = fetch(live_server.url + "/manifest.webmanifest")
    manifest = json.loads(body)

    assert status == 200
    assert headers["Content-Type"].startswith("application/manifest+json")
    assert {key: manifest[key] for key in ("name", "short_name", "lang", "start_url", "scope", "display")} == {
        "name": "PassResOT66", "short_name": "PassResOT66", "lang": "fr",
        "start_url": "/", "scope": "/", "display": "standalone"}
    assert (manifest["theme_color"], manifest["background_color"]) == ("#0b5563", "#f5f7f7")
    assert "Pyrénées-Orientales" in manifest["description"]
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


def test_manifest_icons_are_served_at_their_declared_size(live_server):
    manifest = json.loads(fetch(live_server.url + "/manifest.webmanifest")[2])
    for icon in manifest["icons"]:
        status, headers, _body = fetch(live_server.url + icon["src"])
        image = Image.open(ICONS_DIR / os.path.basename(icon["src"]))
        assert (status, headers["Content-Type"]) == (200, "image/png")
        assert "x".join(map(str, image.size)) == icon["sizes"]


def test_apple_touch_icon_is_180px_and_opaque():
    image = Image.open(ICONS_DIR / "apple-touch-icon.png")
    assert image.size == (180, 180)
    assert image.mode == "RGB"


def test_maskable_icon_keeps_the_logo_inside_the_safe_zone():
    image = Image.open(ICONS_DIR / "icon-maskable-512.png").convert("RGB")
    size = image.width
    radius = 0.4 * size  # the safe zone: a circle of 80 % of the icon's width
    pixels = [(image.getpixel((x, y)), (x - size / 2) ** 2 + (y - size / 2) ** 2 <= radius ** 2)
              for x in range(0, size, 4) for y in range(0, size, 4)]
    outside = [pixel for pixel, inside in pixels if not inside]
    logo = [pixel for pixel, inside in pixels if inside and pixel != TEAL]
    assert outside and all(pixel == TEAL for pixel in outside)
    assert len(logo) > 0.08 * len(pixels)  # and the logo is not a speck in the middle


def test_service_worker_is_served_at_the_root_uncached_with_this_deploys_version(live_server, app):
    status, headers, body = fetch(live_server.url + "/sw.js")
    worker = body.decode()
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert headers["Cache-Control"] == "no-cache"
    first, rest = worker.split("\n", 1)
    assert first == f"// PassResOT66 {compute_version(app)}"  # new bytes with each deploy: an update
    assert rest == (ROOT / "static" / "js" / "sw.js").read_text()  # the static module, as it is
    assert 'from "/sw-manifest.js"' in worker and 'from "/static/js/scanner-outbox.js"' in worker

    status, headers, body = fetch(live_server.url + "/sw-manifest.js")
    manifest = body.decode()
    assert status == 200 and headers["Cache-Control"] == "no-cache"
    assert headers["Content-Type"].startswith("text/javascript")
    assert f'export const VERSION = "{compute_version(app)}";' in manifest
    assert '"/offline"' in manifest
    assert '"/static/css/app.css"' in manifest


IMPORTED = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}/[^"']+)["']""")


def test_the_worker_precaches_every_listed_file_and_whatever_a_precached_module_imports(live_server):
    script = fetch(live_server.url + "/sw-manifest.js")[2].decode()
    essentials = json.loads(re.search(r"export const PRECACHE_URLS = (\[.*?\]);", script).group(1))
    later = json.loads(re.search(r"export const LATER_URLS = (\[.*?\]);", script).group(1))
    assert essentials[0] == "/offline"
    listed = essentials[1:] + later
    assert sorted(listed) == sorted(f"/static/{name}" for name in PRECACHED_STATIC)  # none skipped
    for url in listed:
        assert (ROOT / url.lstrip("/")).is_file(), url
    missing = set()
    for url in (u for u in listed if u.endswith(".js")):
        source = (ROOT / url.lstrip("/")).read_text()
        for relative in IMPORTED.findall(source):
            imported = posixpath.normpath(posixpath.join(posixpath.dirname(url), relative))
            if imported not in listed:
                missing.add(f"{url} imports {imported}")
    assert not missing, sorted(missing)


def test_each_precached_file_carries_the_revision_of_its_own_content(live_server):
    script = fetch(live_server.url + "/sw-manifest.js")[2].decode()
    revisions = json.loads(re.search(r"export const REVISIONS = (\{.*?\});", script).group(1))
    listed = json.loads(re.search(r"export const PRECACHE_URLS = (\[.*?\]);", script).group(1))
    later = json.loads(re.search(r"export const LATER_URLS = (\[.*?\]);", script).group(1))
    assert set(revisions) == set(listed) | set(later)
    for url in listed[1:] + later:
        assert revisions[url] == file_revision(str(ROOT / url.lstrip("/"))), url
    assert len(set(revisions.values())) > len(revisions) // 2  # a hash per file, not one for all


def test_a_salt_or_a_changed_static_file_makes_a_new_version(app, tmp_path):
    site = SimpleNamespace(static_folder=str(tmp_path), jinja_loader=app.jinja_loader, jinja_env=app.jinja_env)
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "scanner.js").write_text("export const a = 1;")
    before = compute_version(site)

    assert compute_version(site) == before and len(before) == 12
    assert compute_version(site, "deploy-2") != before
    (tmp_path / "js" / "scanner.js").write_text("export const a = 2;")
    assert compute_version(site) != before


def test_offline_page_says_what_still_works(live_server):
    status, headers, body = fetch(live_server.url + "/offline")
    html = body.decode()
    assert status == 200
    assert "Vous êtes hors connexion" in html
    assert 'href="/pass"' in html
    assert "csrf_token" not in html  # cached for whoever uses the device next


# -- in Chromium ----------------------------------------------------------------------------

def test_service_worker_registers_and_controls_the_page_after_a_reload(page, live_server, app):
    page.goto(live_server.url + "/login")
    # What navigator.serviceWorker.ready waits for, within a time limit (evaluate has none of its own).
    wait_until(page, "() => navigator.serviceWorker.getRegistration().then((r) => Boolean(r?.active))")
    page.reload()

    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == live_server.url + "/sw.js"
    version = compute_version(app)
    assert sorted(cache_names(page)) == [f"passresot-pages-{version}", f"passresot-static-{version}"] \
        or cache_names(page) == [f"passresot-static-{version}"]


@pytest.fixture
def profile_page(browser, tmp_path):
    """A page in a real (persistent) profile: Chromium never offers to install from incognito,
    and Playwright's new_context() is incognito."""
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        locale="fr-FR", timezone_id="Europe/Paris")
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def test_chromium_finds_the_app_installable_once_signed_in(profile_page, live_server):
    page = profile_page
    sign_in(page, live_server.url, "agent@demo.passresot66.fr")
    page.goto(live_server.url + "/")
    wait_for_control(page)
    cdp = page.context.new_cdp_session(page)

    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = cdp.send("Page.getAppManifest")

    assert errors == []
    assert manifest["errors"] == []
    assert manifest["url"] == live_server.url + "/manifest.webmanifest"


def test_with_the_server_stopped_an_uncached_page_shows_the_offline_page(page, live_server):
    page.goto(live_server.url + "/login")
    wait_for_control(page)
    live_server.stop()

    page.goto(live_server.url + "/partenaires-jamais-vus")

    assert page.get_by_role("heading", level=1).inner_text() == "Vous êtes hors connexion"
    assert page.get_by_role("link", name="Afficher mon pass").get_attribute("href") == "/pass"
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor") == \
        "rgb(11, 85, 99)"  # app.css came from the cache too


def test_a_new_deploy_offers_to_reload_and_the_new_version_takes_over(page, live_server, app):
    page.goto(live_server.url + "/login")
    wait_for_control(page)
    old, new = compute_version(app), compute_version(app, "deploy-2")
    live_server.stop()
    live_server.start(**{SALT_ENV: "deploy-2"})

    page.reload()  # a navigation makes the browser check /sw.js
    banner = page.locator("#sw-update")
    banner.wait_for()

    assert banner.get_attribute("role") == "status"
    assert re.sub(r"\s+", " ", banner.inner_text()).strip() == "Nouvelle version disponible — Recharger"
    assert banner.evaluate("el => getComputedStyle(el).position") == "fixed"  # pwa.css was loaded
    with page.expect_event("load"):
        banner.get_by_role("button", name="Recharger").click()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert f"passresot-static-{new}" in cache_names(page)
    assert f"passresot-static-{old}" not in cache_names(page)
    assert page.locator("#sw-update").count() == 0


@pytest.mark.parametrize("path", ["/login", "/offline"])
def test_pages_load_no_script_from_another_origin(page, live_server, path):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    assert requests and all(url.startswith(live_server.url) for url in requests)
