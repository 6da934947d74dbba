"""Throughput of POST /api/v1/scans with batches of 100, on PostgreSQL and SQLite, under gunicorn, as a
share of what the database itself takes.

For each database: a scratch one (PostgreSQL: dropped and made again; SQLite: a file in a temporary
folder), one partner site open all year, its staff account and as many agents with live passes as
scans to send; the app under gunicorn in its own processes, a device signed in (bearer token). Then:
  0. the database's own batched insert rate, in the same run, for rows of the same shape: per batch
     of 100, one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING` into a scratch copy of
     `visits` and one into a scratch copy of `scans` (same columns, unique constraints and indexes,
     no foreign keys), one commit; measured before and after the app's runs (the mean is the yardstick);
  1. new admissions (each scan inserts a Scan and a Visit, under the unique constraint), from one
     device, then from several devices at once, while a sign-in (POST /api/v1/auth/token) is made
     every 50 ms: its longest time, and that time less the median sign-in on an idle server (the
     wait behind the sync);
  2. the same batches sent again (every scan a replay: read only);
  3. second scans of the same holders (every scan refused already_visited, recorded).

    .venv/bin/python bench/scans_throughput.py [--batches 10] [--devices 4] [--workers 5]
        [--postgres postgresql+psycopg://root@127.0.0.1:5432/scanbench] [--only postgresql|sqlite]

Targets (issue 19): from 4 devices ≥ 2,000 new admissions/s on PostgreSQL, ≥ 1,000/s on SQLite, or on a
loaded machine ≥ 20 % of the database's batched rate; a sign-in never waits more than 200 ms.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scans_bench_http import (PASSWORD, STAFF_EMAIL, batches_of, free_port, request,  # noqa: E402
                                    send, start_server)
from bench.scans_bench_db import database_rate, make_postgres, seed  # noqa: E402

TARGET = {"postgresql": 2000, "sqlite": 1000}
SHARE_TARGET = 0.20
SIGN_IN_WAIT_TARGET_MS = 200


def sign_in(port: int) -> float:
    """One sign-in of the bench's staff account, in milliseconds."""
    started = time.perf_counter()
    status, body = request(port, "POST", "/api/v1/auth/token",
                           {"email": STAFF_EMAIL, "password": PASSWORD, "device_name": "bench sign-in"})
    assert status == 201, body
    return 1000 * (time.perf_counter() - started)


class SignInProbe(threading.Thread):
    """Signs in every `every` seconds until stopped; keeps each sign-in's time."""

    def __init__(self, port: int, every: float = 0.05):
        super().__init__(daemon=True)
        self.port, self.every, self.times, self.done = port, every, [], threading.Event()

    def run(self):
        while not self.done.is_set():
            self.times.append(sign_in(self.port))
            self.done.wait(self.every)


def run_database(kind: str, url: str, args, instance: str) -> list[tuple]:
    """Seed, measure the database, serve the app, measure it; returns the rows to print."""
    env = {**os.environ, "DATABASE_URL": url, "PASSRESOT_INSTANCE_PATH": instance,
           "SECRET_KEY": "bench-secret", "FLASK_APP": "app.py",
           # throughput, not the per-account limits
           "SCANS_RATE_LIMIT": "10000000/60", "SCAN_ITEMS_RATE_LIMIT": "10000000/60", "SIGN_IN_RATE_LIMIT": "10000000/60"}
    os.environ.update(env)
    from passresot import create_app

    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url})
    per_run = args.batches * 100
    print(f"[{kind}] seeding {2 * per_run} holders with live passes...", flush=True)
    tokens = seed(app, 2 * per_run)
    before = database_rate(app, args.batches)
    port = free_port()
    server = start_server(ROOT, env, port, args.workers)
    try:
        idle = statistics.median(sign_in(port) for _ in range(5))
        token = request(port, "POST", "/api/v1/auth/token", {"email": STAFF_EMAIL, "password": PASSWORD,
                                                              "device_name": "bench"})[1]["token"]
        one, many = batches_of(tokens[:per_run]), batches_of(tokens[per_run:])
        probe = SignInProbe(port)
        new_one = send(port, token, one, 1, "admitted")
        probe.start()
        new_many = send(port, token, many, args.devices, "admitted")
        probe.done.set()
        probe.join()
        replays = send(port, token, one + many, args.devices, "replayed")
        refusals = send(port, token, batches_of(tokens), args.devices, "already_visited")
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)  # a loaded machine takes a while to stop 5 workers
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    after = database_rate(app, args.batches)
    with app.app_context():
        from passresot.extensions import db
        db.engine.dispose()
    yardstick = (before + after) / 2
    return [(kind, yardstick, before, after, new_one, new_many, replays, refusals, idle, probe.times)]


def report(rows, devices: int, workers: int) -> None:
    load = os.getloadavg()
    print(f"\nPOST /api/v1/scans, batches of 100, gunicorn ({workers} workers); load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    for kind, base, before, after, new_one, new_many, replays, refusals, idle, probes in rows:
        print(f"{kind}: database's own batched insert rate {base:8.0f} rows/s "
              f"(before {before:.0f}, after {after:.0f})")
        for label, rate in (("new admissions, 1 device", new_one),
                            (f"new admissions, {devices} devices at once", new_many),
                            (f"replays of the same batches, {devices} devices", replays),
                            (f"already_visited refusals, {devices} devices", refusals)):
            print(f"  {label:<45} {rate:8.0f} scans/s  {100 * rate / base:6.1f} % of the database")
        longest = max(probes)
        wait = longest - idle
        met = new_many >= TARGET[kind] or new_many >= SHARE_TARGET * base
        print(f"  sign-in: idle median {idle:.0f} ms; during the {devices}-device burst, median "
              f"{statistics.median(probes):.0f} ms, longest {longest:.0f} ms of {len(probes)}, "
              f"i.e. a wait of {wait:.0f} ms "
              f"({'met' if wait <= SIGN_IN_WAIT_TARGET_MS else 'MISSED'}: ≤ {SIGN_IN_WAIT_TARGET_MS} ms)")
        print(f"  target from {devices} devices: ≥ {TARGET[kind]}/s or ≥ {SHARE_TARGET:.0%} of the "
              f"database: {'met' if met else 'MISSED'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/scanbench"))
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    parser.add_argument("--batches", type=int, default=10, help="batches of 100 per run (default 10)")
    parser.add_argument("--devices", type=int, default=4, help="devices posting at once (default 4)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: devices + 1, i.e. 5, "
                        "deploy/gunicorn.conf.py's 2 × cores + 1 on 2 cores: a sign-in finds a free one)")
    args = parser.parse_args()
    args.workers = args.workers or args.devices + 1
    rows = []
    for kind in ("postgresql", "sqlite"):
        if args.only not in (None, kind):
            continue
        instance = tempfile.mkdtemp(prefix="scanbench-")
        try:
            if kind == "postgresql":
                make_postgres(args.postgres)
                url = args.postgres
            else:
                url = "sqlite:///" + os.path.join(instance, "bench.db")
            rows += run_database(kind, url, args, instance)
        finally:
            shutil.rmtree(instance, ignore_errors=True)
    report(rows, args.devices, args.workers)


if __name__ == "__main__":
    main()
