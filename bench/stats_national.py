"""The network dashboard and its exports at national scale, on PostgreSQL: medians of several runs.

Makes a scratch PostgreSQL database (dropped and made again), migrates it, runs the generator of
`flask generate-national` (1,200 offices, 15,000 agents, 50,000 partners, 1,000,000 visits over
last year and this year at --scale 1), signs in a network admin through the Flask test client, then
times GET /admin/stats, the printable report and each CSV/XLSX export of this year's figures.
The goal (issue 6): under 500 ms each.

    .venv/bin/python bench/stats_national.py [--scale 1] [--runs 5] [--reuse] [--explain]
        [--database postgresql+psycopg://root@127.0.0.1:5432/statsbench]
"""
import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scans_bench_db import make_postgres  # noqa: E402  (the scratch-database helper)

PASSWORD = "bench-passresot66"
ADMIN_EMAIL = "reseau@bench.passresot66.fr"
GOAL_MS = 500


def seed(app, scale: float) -> float:
    """Migrate, generate the national data set and a network admin; returns the generation seconds."""
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from passresot.accounts.models import Role, User
    from passresot.extensions import db
    from passresot.stats.generator import generate_national, vacuum_analyze

    with app.app_context():
        upgrade()
        started = time.perf_counter()
        counts = generate_national(scale, echo=lambda line: print("  " + line, flush=True))
        db.session.add(User(email=ADMIN_EMAIL, role=Role.network_admin, first_name="Réseau", last_name="Bench",
                            password_hash=generate_password_hash(PASSWORD)))
        db.session.commit()
        vacuum_analyze()
        seconds = time.perf_counter() - started
    print("  " + ", ".join(f"{value:,} {name}" for name, value in counts.items()).replace(",", " "))
    return seconds


def signed_in_client(app):
    import re

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"email": ADMIN_EMAIL, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        raise SystemExit("sign-in refused")
    return client


def timed(client, url: str, runs: int) -> tuple[float, int]:
    """(median milliseconds over `runs` after one warm-up, response size in bytes)."""
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times), len(response.get_data())


def explain(app, year: int) -> None:
    """EXPLAIN ANALYZE of each dashboard query, printed with its time."""
    from sqlalchemy import event

    from passresot.extensions import db
    from passresot.stats import api

    statements = []
    with app.app_context():
        def keep(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", keep)
        rows = api.agent_figures(year)
        api.visits_by_month(year), api.visits_by_partner(year, 20), api.visits_by_partner(year)
        api.partners_counts(year), api.partners_not_visited(year), api.scan_flags(year), api.reports_by_status(year)
        event.remove(db.engine, "before_cursor_execute", keep)
        assert rows
        raw = db.engine.raw_connection()
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = [line for (line,) in cursor.fetchall()]
            print("\n" + " ".join(statement.split())[:160] + " …")
            print("\n".join("   " + line for line in plan if "Execution Time" in line or "Scan" in line)[:1500])
        raw.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/statsbench"))
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national sizes (default 1)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per URL (default 5)")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each query")
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="statsbench-")
    os.environ.update({"PASSRESOT_INSTANCE_PATH": instance, "SECRET_KEY": "bench-secret"})
    from passresot import create_app
    from passresot.timeutil import paris_today

    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": args.database, "SERVER_NAME": "localhost"})
    logging.getLogger("passresot.request").setLevel(logging.WARNING)  # one JSON line per request otherwise
    if not args.reuse:
        make_postgres(args.database)
        print(f"Generating the national data set (scale {args.scale}) in {args.database.rsplit('/', 1)[1]}...")
        print(f"  generation: {seed(app, args.scale):.1f} s")
    else:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
    year = paris_today().year
    if args.explain:
        explain(app, year)
    client = signed_in_client(app)
    from passresot.stats.tables import TABLES

    urls = [f"/admin/stats?year={year}", f"/admin/stats/report?year={year}"]
    urls += [f"/admin/stats/{name}.{fmt}?year={year}" for name in TABLES for fmt in ("csv", "xlsx")]
    print(f"\nMedian of {args.runs} runs (after one warm-up), goal {GOAL_MS} ms:")
    slow = 0
    for url in urls:
        median, size = timed(client, url, args.runs)
        slow += median > GOAL_MS
        print(f"  {url:<42} {median:8.1f} ms  {size / 1024:8.1f} KiB{'  SLOW' if median > GOAL_MS else ''}")
    print(f"{len(urls) - slow} of {len(urls)} under {GOAL_MS} ms")


if __name__ == "__main__":
    main()
