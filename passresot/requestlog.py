"""One JSON line per request on the `passresot.request` logger (stderr): what a deploy needs to watch.

    {"ts": "2026-05-04T09:12:03.123Z", "method": "POST", "path": "/api/v1/scans", "status": 200,
     "duration_ms": 41.7, "role": "partner_staff", "pid": 4242}

Only the method, the path without its query string, the status, the time taken, the role of the
signed-in account and the worker's process id: never a body (passwords, QR contents), a header
(cookies, bearer tokens) or a query string. A URL that itself carries a secret (the one-time
password link /password/<token>) is logged as its rule. `role` is "anonymous" when nobody is signed
in and "-" when the request never looked (a static file, /healthz): the log never queries the
database to find out.
"""
import json
import logging
import os
import time
from datetime import datetime, timezone

from flask import g, request

log = logging.getLogger("passresot.request")
STARTED = "passresot.started"
#: URL variables whose value is a secret: the path is logged as its rule instead.
SECRET_URL_ARGS = frozenset({"token"})
MAX_PATH = 300


class _StartClock:
    """WSGI middleware: the clock starts before anything else of the app runs."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ[STARTED] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


def init_request_log(app) -> None:
    """Log every request of `app` once it has its response (errors included)."""
    if not log.handlers:  # one handler per process, however many apps the tests make
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False  # the line is already complete JSON: no second, prefixed copy
    app.wsgi_app = _StartClock(app.wsgi_app)
    app.after_request_funcs.setdefault(None, []).insert(0, _log_request)  # runs last


def _log_request(response):
    started = request.environ.get(STARTED)
    line = {
        "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "method": request.method,
        "path": logged_path(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "role": _role(),
        "pid": os.getpid(),
    }
    log.info(json.dumps(line, ensure_ascii=False))
    return response


def logged_path() -> str:
    rule, args = request.url_rule, request.view_args or {}
    if rule is not None and SECRET_URL_ARGS & set(args):
        return rule.rule
    return request.path[:MAX_PATH]


def _role() -> str:
    user = g.get("_login_user")  # set by Flask-Login only once the request asked who is signed in
    if user is None:
        return "-"
    if not getattr(user, "is_authenticated", False):
        return "anonymous"
    role = getattr(user, "role", None)
    return getattr(role, "value", str(role))
