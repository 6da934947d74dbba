"""Several gunicorn workers share nothing in memory: the app under deploy/gunicorn.conf.py with 4
workers, then 1, each on a scratch PostgreSQL copy of the demo (loaded once), checked over real HTTP.

- the same scan (one UUID) sent at once over many connections is recorded once; different scans of
  one pass sent at once give one admission;
- the sign-in limit (SIGN_IN_RATE_LIMIT, per address) holds across workers;
- the partner list has the same ETag from every worker, and If-None-Match gives 304 from each;
- a session cookie and its CSRF token made by one worker are accepted by the others.

Each request is a new connection, so idle workers take them in turn; which worker answered is read
from the `pid` of the app's request log. With 4 workers the test insists that at least two served
each check, so the check means something; with 1 worker the answers must be the same.
"""
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.gunicorn

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("TEST_PG_SERVER", "postgresql://root@127.0.0.1:5432")
DATABASE = f"passresot_workers_{os.getpid()}"  # two runs at once must not drop each other's
TEMPLATE = f"{DATABASE}_demo"  # the demo loaded once; each server starts from a copy
PASSWORD = "workers-passresot66"
STAFF, AGENT, SEASONAL = ("partenaire@demo.passresot66.fr", "agent@demo.passresot66.fr",
                          "saisonnier@demo.passresot66.fr")
SIGN_IN_LIMIT, SIGN_IN_WINDOW = 10, 3600
PARALLEL = 24
RESULTS = {}


def _psycopg_connect(database):
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(f"{PG_SERVER}/{database}", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is needed for the workers test: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {error}")


def sql(query, *params):
    with _psycopg_connect(DATABASE) as connection:
        return connection.execute(query, params).fetchall()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """The app under gunicorn with `workers` workers on a fresh database; `.call()` over HTTP."""

    def __init__(self, workdir: Path, workers: int, instance: Path, database: str = DATABASE):
        self.workers, self.port = workers, _free_port()
        self.log_path = workdir / "gunicorn.log"
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("PASSRESOT_", "FLASK_", "SMTP_")) and key not in (
                        "DATABASE_URL", "SECRET_KEY", "REDIS_URL")}
        self.env.update({
            "DATABASE_URL": f"{PG_SERVER}/{database}",  # the plain scheme, as a host provides it
            "PASSRESOT_INSTANCE_PATH": str(instance),  # secret key and pass keys: files, with the demo
            "DEMO_PASSWORD": PASSWORD,
            "TRUST_PROXY": "1",  # X-Forwarded-For picks the caller's address, as nginx sets it
            "SIGN_IN_RATE_LIMIT": f"{SIGN_IN_LIMIT}/{SIGN_IN_WINDOW}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
        })
        self.process = None

    def flask(self, *args):
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self):
        gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(gunicorn), "-c", "deploy/gunicorn.conf.py", "app:app"],
                                            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 40
        while len(self.pids_seen_booting()) < self.workers or not self._answers():
            assert self.process.poll() is None, self.log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start:\n" + self.log_path.read_text()[-3000:]
            time.sleep(0.2)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def pids_seen_booting(self) -> set:
        return set(re.findall(r"Booting worker with pid: (\d+)", self.log_path.read_text()))

    def _answers(self) -> bool:
        try:
            return self.call("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def call(self, method, path, *, json_body=None, form=None, headers=None, address="192.0.2.1"):
        """One request on a new connection; returns (status, headers, body bytes)."""
        headers = {"X-Forwarded-For": address, "Connection": "close", **(headers or {})}
        body = None
        if json_body is not None:
            body, headers["Content-Type"] = json.dumps(json_body), "application/json"
        elif form is not None:
            body, headers["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def at_once(self, count, method, path, **options):
        """`count` identical requests at the same moment, each on its own connection."""
        started = time.perf_counter()
        with ThreadPoolExecutor(PARALLEL) as pool:
            answers = list(pool.map(lambda _: self.call(method, path, **options), range(count)))
        self.last_ms = round((time.perf_counter() - started) * 1000)
        return answers

    def log_mark(self) -> int:
        return self.log_path.stat().st_size

    def workers_that_served(self, mark: int, method: str, path: str) -> set:
        with open(self.log_path, "rb") as log:
            log.seek(mark)
            lines = [json.loads(line) for line in log.read().decode().splitlines() if line.startswith("{")]
        return {line["pid"] for line in lines if line["method"] == method and line["path"] == path}

    def bearer(self, email, address):
        status, _, body = self.call("POST", "/api/v1/auth/token", address=address, json_body={
            "email": email, "password": PASSWORD, "device_name": "test des workers"})
        assert status == 201, body
        return {"Authorization": "Bearer " + json.loads(body)["token"]}


def _recreate(database, template=None):
    """An empty database, or a copy of `template` (PostgreSQL copies it file by file: fast)."""
    with _psycopg_connect("postgres") as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}" + (f" TEMPLATE {template}" if template else ""))


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory):
    """The demo migrated and loaded once into TEMPLATE, with the instance folder that holds its keys."""
    instance = tmp_path_factory.mktemp("gunicorn-instance")
    _recreate(TEMPLATE)
    loader = Gunicorn(tmp_path_factory.mktemp("gunicorn-loader"), 1, instance, database=TEMPLATE)
    try:
        loader.flask("db", "upgrade")
        loader.flask("load-demo")
        yield instance
    finally:
        with _psycopg_connect("postgres") as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")


@pytest.fixture(scope="module", params=[4, 1], ids=["4-workers", "1-worker"])
def server(request, tmp_path_factory, demo_instance):
    _recreate(DATABASE, template=TEMPLATE)  # a fresh copy of the demo: nothing the other run wrote
    server = Gunicorn(tmp_path_factory.mktemp(f"gunicorn{request.param}"), request.param, demo_instance)
    try:
        server.start()
        RESULTS[request.param] = {}
        yield server
    finally:
        server.stop()
        with _psycopg_connect("postgres") as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _enough_workers(server, served: set) -> None:
    assert len(served) >= min(2, server.workers) and len(served) <= server.workers, served


def _scan(qr, scan_id=None):
    return {"id": scan_id or str(uuid.uuid4()), "qr": qr, "device_id": "tablette-workers",
            "scanned_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}


def test_scans_are_recorded_once_whichever_worker_takes_them(server):
    device = server.bearer(STAFF, "198.51.100.1")
    qr = {}
    for email, address in ((AGENT, "198.51.100.2"), (SEASONAL, "198.51.100.3")):
        status, _, body = server.call("GET", "/api/v1/me/pass", headers=server.bearer(email, address))
        assert status == 200
        qr[email] = json.loads(body)["qr"]
    visits_before = sql("SELECT count(*) FROM visits")[0][0]

    mark = server.log_mark()
    one_scan = {"scans": [_scan(qr[AGENT])]}
    answers = server.at_once(PARALLEL, "POST", "/api/v1/scans", json_body=one_scan, headers=device)
    assert [status for status, _, _ in answers] == [200] * PARALLEL, answers[0][2]
    results = [json.loads(body)["results"][0] for _, _, body in answers]
    assert sorted(result["replayed"] for result in results) == [False] + [True] * (PARALLEL - 1)
    assert {(result["status"], result["reason"]) for result in results} == {("admitted", None)}
    assert sql("SELECT count(*) FROM scans WHERE id::text = %s", one_scan["scans"][0]["id"]) == [(1,)]
    same_uuid_workers = server.workers_that_served(mark, "POST", "/api/v1/scans")
    same_uuid_ms = server.last_ms
    _enough_workers(server, same_uuid_workers)

    mark = server.log_mark()
    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(lambda _: server.call("POST", "/api/v1/scans", headers=device,
                                                      json_body={"scans": [_scan(qr[SEASONAL])]}),
                                range(PARALLEL)))
    assert [status for status, _, _ in answers] == [200] * PARALLEL
    verdicts = sorted((r["status"], r["reason"] or "") for r in (json.loads(b)["results"][0] for _, _, b in answers))
    assert verdicts == [("admitted", "")] + [("refused", "already_visited")] * (PARALLEL - 1)
    assert sql("SELECT count(*) FROM visits")[0][0] == visits_before + 2
    two_pass_workers = server.workers_that_served(mark, "POST", "/api/v1/scans")
    _enough_workers(server, two_pass_workers)
    RESULTS[server.workers]["scans"] = (f"{PARALLEL} copies of one UUID: 1 recorded, {PARALLEL - 1} replayed, "
                                        f"{len(same_uuid_workers)} workers, {same_uuid_ms} ms; {PARALLEL} scans of one pass: 1 "
                                        f"admitted, {PARALLEL - 1} already_visited, {len(two_pass_workers)} workers")


def test_the_sign_in_limit_holds_across_workers(server):
    if time.time() % SIGN_IN_WINDOW > SIGN_IN_WINDOW - 20:  # not across the window's end
        time.sleep(SIGN_IN_WINDOW - time.time() % SIGN_IN_WINDOW + 1)
    address, tries = f"203.0.113.{server.workers}", 3 * SIGN_IN_LIMIT
    mark = server.log_mark()
    answers = server.at_once(tries, "POST", "/api/v1/auth/token", address=address, json_body={
        "email": STAFF, "password": PASSWORD, "device_name": "essai de la limite"})
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [201] * SIGN_IN_LIMIT + [429] * (tries - SIGN_IN_LIMIT)
    refused = [(headers, json.loads(body)) for status, headers, body in answers if status == 429]
    assert all(body["error"]["code"] == "rate_limited" and int(headers["Retry-After"]) > 0
               for headers, body in refused)
    served = server.workers_that_served(mark, "POST", "/api/v1/auth/token")
    _enough_workers(server, served)
    # The form counts in the same place: refused from this address, accepted from another.
    assert _form_sign_in(server, AGENT, address)[0] == 429
    assert _form_sign_in(server, AGENT, "203.0.113.200")[0] == 302
    RESULTS[server.workers]["sign-in limit"] = (f"{tries} sign-ins at once from one address: "
                                                f"{statuses.count(201)} accepted, {statuses.count(429)} "
                                                f"refused 429, {len(served)} workers, {server.last_ms} ms")


def _csrf_and_cookie(server, address, cookie=None, page="/login"):
    status, headers, body = server.call("GET", page, address=address,
                                        headers={"Cookie": cookie} if cookie else None)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)[1].decode()
    return token, _session_cookie(headers) or cookie


def _session_cookie(headers):
    for value in headers.get_all("Set-Cookie") or ():
        if value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def _form_sign_in(server, email, address):
    token, cookie = _csrf_and_cookie(server, address)
    status, headers, _ = server.call("POST", "/login", address=address, headers={"Cookie": cookie},
                                     form={"email": email, "password": PASSWORD, "csrf_token": token})
    return status, _session_cookie(headers)


def test_the_partner_list_has_one_etag_whichever_worker_answers(server):
    agent = server.bearer(AGENT, "198.51.100.4")
    mark = server.log_mark()
    answers = server.at_once(PARALLEL, "GET", "/api/v1/partners", headers=agent)
    assert {status for status, _, _ in answers} == {200}
    first_ms = server.last_ms
    etags = {headers["ETag"] for _, headers, _ in answers}
    assert len(etags) == 1 and len({body for _, _, body in answers}) == 1
    unchanged = server.at_once(PARALLEL, "GET", "/api/v1/partners", headers={**agent, "If-None-Match": etags.pop()})
    assert {status for status, _, _ in unchanged} == {304}
    served = server.workers_that_served(mark, "GET", "/api/v1/partners")
    _enough_workers(server, served)
    RESULTS[server.workers]["partner list"] = (f"{2 * PARALLEL} requests: 1 ETag, {PARALLEL} × 304, "
                                               f"{len(served)} workers, {first_ms} ms then {server.last_ms} ms")


def test_a_session_cookie_from_one_worker_works_on_every_worker(server):
    address = "198.51.100.5"
    status, cookie = _form_sign_in(server, AGENT, address)
    assert status == 302 and cookie
    mark = server.log_mark()
    answers = server.at_once(PARALLEL, "GET", "/pass", address=address, headers={"Cookie": cookie})
    assert {status for status, _, _ in answers} == {200}
    assert all("Amélie".encode() in body and b'name="password"' not in body for _, _, body in answers)
    # A form's CSRF token (kept in the cookie) is accepted by every worker too.
    token, cookie = _csrf_and_cookie(server, address, cookie, page="/pass")
    posts = server.at_once(PARALLEL, "POST", "/language/fr", address=address, headers={"Cookie": cookie},
                           form={"csrf_token": token})
    assert {status for status, _, _ in posts} == {302}
    served = server.workers_that_served(mark, "GET", "/pass") | server.workers_that_served(mark, "POST", "/language/fr")
    _enough_workers(server, served)
    RESULTS[server.workers]["session"] = (f"{PARALLEL} pages and {PARALLEL} CSRF-checked posts with one "
                                          f"cookie: all accepted, {len(served)} workers")
    print(f"\n{server.workers} worker(s): " + json.dumps(RESULTS[server.workers], ensure_ascii=False, indent=1))
