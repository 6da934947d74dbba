"""The installable web app: service worker at the root scope, web app manifest, offline page.

The service worker's cache VERSION is a short hash of every static file, of the
worker and offline templates, and of the optional PASSRESOT_SW_SALT environment variable; it is
computed once per process, so a deploy that changes any of them makes browsers install the new
worker (and show the "Nouvelle version disponible" banner). Setting PASSRESOT_SW_SALT forces a
new version without changing a file (the browser tests use it to simulate a deploy).

Each precached file also has its own revision (a hash of its content, `precache_revisions`): the
new worker copies the files whose revision did not change from the previous version's cache and
downloads only the others, so a deploy that changes one file costs a device that one file.
"""
import hashlib
import os
from typing import Optional

from flask import Blueprint, current_app, jsonify, make_response, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#0b5563"  # --teal in static/css/app.css
BACKGROUND_COLOR = "#f5f7f7"  # --bg in static/css/app.css

#: Static files the worker stores at install, relative to static/; missing ones are skipped
#: (static/vendor/ is filled by `make vendor`). The pass, card, partner list and scanner pages'
#: own files are here because those pages are shown offline. Those in SCANNER_ONLY are stored
#: after the others (never blocking an agent's install) or when the scanner first runs.
PRECACHED_STATIC = (
    "css/app.css",
    "css/pwa.css",
    "css/pass.css",
    "css/card.css",
    "css/partners.css",
    "css/scanner.css",
    "img/icon.svg",
    "img/icons/icon-192.png",
    "img/icons/icon-512.png",
    "img/icons/icon-maskable-512.png",
    "img/icons/apple-touch-icon.png",
    "js/ui.js",
    "js/base45.js",
    "js/verify.js",
    "js/sw-register.js",
    "js/form-keeper.js",
    "js/page-copy.js",
    "js/offline-ready.js",
    "js/install.js",
    "js/pass.js",
    "js/wake-lock.js",
    "js/print.js",
    "js/partners.js",
    "js/partners-db.js",
    "js/partners-rules.js",
    "js/partners-sync.js",
    "js/partners-view.js",
    "js/text-search.js",
    "js/scanner.js",
    "js/scanner-decide.js",
    "js/scanner-outbox.js",
    "js/scanner-bundle.js",
    "css/visits.css",
    "css/help.css",
    "js/freshness.js",
    "js/visits.js",
    "js/reports.js",
    "js/reports-outbox.js",
    "js/reports-sync.js",
    "js/scanner-camera.js",
    "js/scanner-sharpen.js",
    "js/idb.js",
    "js/scanner-verdict.js",
    "js/scanner-camera-ui.js",
    "js/scanner-net.js",
    "js/scanner-mode.js",
    "js/scanner-send.js",
    "js/scanner-clock.js",
    "js/scanner-typed.js",
    "js/scanner-status.js",
    "js/scanner-settle.js",
    "js/scanner-pin.js",
    "vendor/noble-ed25519/index.js",
    # The QR polyfill for scanners without a native BarcodeDetector (about 1.1 MB with its .wasm):
    # kept so that a scanner updated while offline still reads codes.
    "vendor/barcode-detector/ponyfill.js",
    "vendor/barcode-detector/zxing-exported.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
)
#: Only the scanner needs these: the QR decoder (1.1 MB) and the scanner's own files.
SCANNER_ONLY = frozenset(
    name for name in PRECACHED_STATIC
    if name.startswith(("vendor/barcode-detector/", "vendor/zxing-wasm/", "js/scanner", "css/scanner")))
VERSIONED_TEMPLATES = ("pwa/manifest.js", "pwa/offline.html")
SALT_ENV = "PASSRESOT_SW_SALT"


def precached_static(app) -> list[str]:
    """The PRECACHED_STATIC files that exist on disk."""
    return [name for name in PRECACHED_STATIC if os.path.isfile(os.path.join(app.static_folder, name))]


def _static_files(app) -> list[str]:
    root = app.static_folder
    found = [os.path.relpath(os.path.join(folder, name), root)
             for folder, _dirs, names in os.walk(root) for name in names]
    return sorted(found)


def _revisions(app) -> dict[str, str]:
    return {name: file_revision(os.path.join(app.static_folder, name)) for name in _static_files(app)}


def static_revisions(app) -> dict[str, str]:
    """Every static file's revision by file name, read once per process: VERSION and the manifest's
    revisions both come from it."""
    if "pwa_static_revisions" not in app.extensions:
        app.extensions["pwa_static_revisions"] = _revisions(app)
    return app.extensions["pwa_static_revisions"]


def compute_version(app, salt: str = "", revisions: Optional[dict] = None) -> str:
    """A 12-hex-digit hash of every static file, the worker's templates and `salt`.

    Every static file, not only the precached ones: the worker serves all of static/ cache-first,
    so any change there must come with a new version.
    """
    digest = hashlib.sha256()
    for name, revision in (revisions if revisions is not None else _revisions(app)).items():
        digest.update(name.encode() + b"\0" + revision.encode() + b"\0")
    for name in VERSIONED_TEMPLATES:
        source, _filename, _uptodate = app.jinja_loader.get_source(app.jinja_env, name)
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    digest.update(salt.encode())
    return digest.hexdigest()[:12]


def cache_version(app=None) -> str:
    """The version of this process, computed on first use."""
    app = app or current_app
    if "pwa_version" not in app.extensions:
        app.extensions["pwa_version"] = compute_version(app, os.environ.get(SALT_ENV, ""),
                                                        static_revisions(app))
    return app.extensions["pwa_version"]


def file_revision(path: str) -> str:
    """A short hash of one file's content: what the worker compares to keep or fetch it again."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def precache_revisions(app=None) -> dict[str, str]:
    """Each precached static file's revision by file name."""
    app = app or current_app
    revisions = static_revisions(app)
    return {name: revisions[name] for name in precached_static(app) if name in revisions}


@bp.route("/sw.js")
def service_worker():
    """The worker itself, a static module (static/js/sw.js) served at the root for the root scope,
    under a first line naming this deploy's version: browsers compare the worker's own bytes to
    decide an update (not reliably those of its imports, such as /sw-manifest.js)."""
    with open(os.path.join(current_app.static_folder, "js", "sw.js"), "rb") as handle:
        return _script(f"// PassResOT66 {cache_version()}\n".encode() + handle.read())


@bp.route("/sw-manifest.js")
def service_worker_manifest():
    """What changes with each deploy, imported by the worker: a new one makes browsers update it."""
    revisions = precache_revisions()
    essentials = [url_for("pwa.offline")] + [url_for("static", filename=name) for name in revisions
                                             if name not in SCANNER_ONLY]
    later = [url_for("static", filename=name) for name in revisions if name in SCANNER_ONLY]
    by_url = {url_for("static", filename=name): revision for name, revision in revisions.items()}
    by_url[url_for("pwa.offline")] = cache_version()  # rendered: new with every deploy
    return _script(render_template("pwa/manifest.js", version=cache_version(), precache_urls=essentials,
                                   later_urls=later, revisions=by_url, offline_url=url_for("pwa.offline"),
                                   scans_url=url_for("api.record_scans_batch")))


def _script(body):
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    # Installed once and shared by whoever uses the device: always in the network's language.
    with force_locale("fr"):
        description = _("Le pass des agents des offices de tourisme des Pyrénées-Orientales, "
                        "utilisable même sans réseau.")
    icon = lambda name: url_for("static", filename=f"img/icons/{name}")  # noqa: E731
    response = jsonify({
        "id": "/",
        "name": "PassResOT66",
        "short_name": "PassResOT66",
        "description": description,
        "lang": "fr",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            {"src": icon("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": icon("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": icon("icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    })
    response.headers["Content-Type"] = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline():
    """Shown by the service worker instead of a page it cannot fetch; never personal (it is cached)."""
    response = make_response(render_template("pwa/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response
