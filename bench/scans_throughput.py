"""Throughput of POST /api/v1/scans with batches of 100, on PostgreSQL, under gunicorn (Flask's server if absent).

Makes a scratch PostgreSQL database (dropped and made again), one partner site open all year, its staff
account and as many agents with live passes as scans to send, starts the app in its own processes,
signs in a device (bearer token), then measures scans per second for:
  1. new admissions (each scan inserts a Scan and a Visit, under the unique constraint), from one
     device, then from several devices at once;
  2. the same batches sent again (every scan a replay: read only);
  3. second scans of the same holders (every scan refused already_visited, recorded).

    .venv/bin/python bench/scans_throughput.py [--batches 10] [--devices 4] [--workers 4]
        [--database postgresql+psycopg://root@127.0.0.1:5432/scanbench]
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 100
PASSWORD = "bench-passresot66"
STAFF_EMAIL = "partenaire@bench.passresot66.fr"


def make_database(url: str) -> None:
    """Drop and create the scratch database named in `url` (never the `test` one)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if name in ("test", "postgres", "passresot"):
        raise SystemExit(f"refusing to drop the database {name!r}: give a scratch one")
    admin = url.rsplit("/", 1)[0].replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def seed(app, holders: int) -> list[str]:
    """Migrate, then one site, its staff and `holders` agents with live passes; returns their QR texts."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from passresot.accounts.models import AgentKind, Role, User
    from passresot.extensions import db
    from passresot.offices.models import Office
    from passresot.partners.models import Partner, PartnerCategory
    from passresot.passes.models import Pass
    from passresot.passes.numbers import new_pass_number
    from passresot.passes.token import sign_pass_token

    with app.app_context():
        upgrade()
        office = Office(name="Office de Tourisme de Céret", commune="Céret", email="ot@bench.fr")
        partner = Partner(name="Musée d'art moderne de Céret", commune="Céret",
                          category=PartnerCategory.museum, accepts_all_year=True)
        db.session.add_all([office, partner])
        db.session.flush()
        db.session.add(User(email=STAFF_EMAIL, role=Role.partner_staff, first_name="Núria", last_name="Vidal",
                            partner_id=partner.id, password_hash=generate_password_hash(PASSWORD)))
        agents = [User(email=f"agent{n}@bench.fr", role=Role.agent, first_name="Agent", last_name=f"N{n}",
                       office_id=office.id, kind=AgentKind.permanent) for n in range(holders)]
        db.session.add_all(agents)
        db.session.flush()
        kid, key = app.extensions["pass_keys"].signing_key()
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        start, end = now - timedelta(days=30), now + timedelta(days=300)
        numbers = set()
        while len(numbers) < holders:
            numbers.add(new_pass_number())
        passes = [Pass(number=number, user_id=agent.id, office_id=office.id, kind=AgentKind.permanent,
                       valid_from=start, valid_until=end, token="", kid=kid)
                  for agent, number in zip(agents, numbers)]
        db.session.add_all(passes)
        db.session.flush()
        for pass_ in passes:
            pass_.token = sign_pass_token(pass_id=pass_.id, office_id=office.id, valid_from=start,
                                          valid_until=end, display_name="Agent B.", private_key=key)
        db.session.commit()
        tokens = [pass_.token for pass_ in passes]
        db.engine.dispose()
    return tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int, workers: int):
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    if gunicorn.exists() or shutil.which("gunicorn"):
        command = [str(gunicorn if gunicorn.exists() else "gunicorn"), "--workers", str(workers),
                   "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"]
        kind = f"gunicorn, {workers} sync workers"
    else:
        command = [sys.executable, "-m", "flask", "--app", "app.py", "run", "--port", str(port),
                   "--with-threads", "--no-reload"]
        kind = "Flask development server (gunicorn not installed)"
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(150):
        try:
            if request(port, "GET", "/api/v1/keys")[0] == 200:
                return process, kind
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start: " + process.stderr.read().decode()[-2000:])


def request(port: int, method: str, path: str, body=None, token=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        connection.close()


def batches_of(tokens: list[str]) -> list[list[dict]]:
    scanned_at = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    scans = [{"id": str(uuid.uuid4()), "qr": qr, "scanned_at": scanned_at, "device_id": "bench"} for qr in tokens]
    return [scans[i:i + BATCH] for i in range(0, len(scans), BATCH)]


EXPECTED = {
    "admitted": lambda r: r["status"] == "admitted" and not r["replayed"],
    "replayed": lambda r: r["replayed"],
    "already_visited": lambda r: r["reason"] == "already_visited" and not r["replayed"],
}


def send(port: int, token: str, batches: list, devices: int, expect: str) -> float:
    """Post the batches from `devices` threads at once; returns scans per second."""
    queue, lock, failures = list(batches), threading.Lock(), []

    def device():
        while True:
            with lock:
                if not queue:
                    return
                batch = queue.pop()
            status, body = request(port, "POST", "/api/v1/scans", {"scans": batch}, token)
            if status != 200 or not all(EXPECTED[expect](result) for result in body["results"]):
                failures.append((status, str(body)[:300]))

    threads = [threading.Thread(target=device) for _ in range(devices)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"unexpected answers ({len(failures)}): {failures[:2]}")
    return sum(len(b) for b in batches) / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/scanbench"))
    parser.add_argument("--batches", type=int, default=10, help="batches of 100 per run (default 10)")
    parser.add_argument("--devices", type=int, default=4, help="devices posting at once (default 4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    args = parser.parse_args()

    make_database(args.database)
    instance = tempfile.mkdtemp(prefix="scanbench-")
    env = {**os.environ, "DATABASE_URL": args.database, "PASSRESOT_INSTANCE_PATH": instance,
           "SECRET_KEY": "bench-secret", "FLASK_APP": "app.py",
           "SCANS_RATE_LIMIT": "10000000/60"}  # throughput, not the per-account limit
    os.environ.update(env)
    from passresot import create_app

    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": args.database})
    per_run = args.batches * BATCH
    print(f"Seeding {2 * per_run} holders with live passes in {args.database.rsplit('/', 1)[1]}...")
    tokens = seed(app, 2 * per_run)
    port = free_port()
    server, kind = start_server(env, port, args.workers)
    try:
        status, body = request(port, "POST", "/api/v1/auth/token",
                               {"email": STAFF_EMAIL, "password": PASSWORD, "device_name": "bench"})
        assert status == 201, body
        token = body["token"]
        one, many = batches_of(tokens[:per_run]), batches_of(tokens[per_run:])
        print(f"POST /api/v1/scans, batches of {BATCH}, PostgreSQL, {kind}:")
        rows = [
            ("new admissions, 1 device", send(port, token, one, 1, "admitted")),
            (f"new admissions, {args.devices} devices at once", send(port, token, many, args.devices, "admitted")),
            (f"replays of the same batches, {args.devices} devices", send(port, token, one + many, args.devices,
                                                                       "replayed")),
            (f"already_visited refusals, {args.devices} devices", send(port, token, batches_of(tokens),
                                                                     args.devices, "already_visited")),
        ]
        for label, rate in rows:
            print(f"  {label:<45} {rate:8.0f} scans/s")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
