"""How long `make test` takes on this machine, as CI runs it: each commit given is cloned fresh from
this repository, gets an empty PostgreSQL database of its own, and runs `CI=true make test` with its
set-up (venv, pip, npm, bytecode) included. Prints, per run, the wall time, the machine's processor
time (all cores, from /proc/stat) and each lane's own time as pytest printed it; then each commit's
mean, and the change from the first commit's mean to each other's. Runs alternate between commits,
so a machine that slows down part-way weighs on both. Keep the machine otherwise idle meanwhile.

    .venv/bin/python bench/suite_time.py [COMMIT ...] [--runs N] [--database-url URL]

Without a commit it times HEAD once. Issue 18's figure: `bench/suite_time.py 322b0c0 HEAD --runs 3`
(about 45 minutes on 2 cores). The clones are made in a temporary folder and removed afterwards;
a failing run's log is kept and its path printed.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgresql+psycopg://root@127.0.0.1:5432"
#: What each lane's pytest prints last: "... passed ... in 324.52s (0:05:24)".
LANE = re.compile(r"^(\d+) passed.* in ([\d.]+)s", re.M)


def machine_cpu_seconds() -> float:
    """Processor time spent by the whole machine so far (user, nice, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = map(int, fields[:7])
    return (user + nice + system + irq + softirq) / 100  # USER_HZ


def psql(database_url: str, sql: str) -> None:
    server = database_url.replace("postgresql+psycopg://", "postgresql://")
    subprocess.run(["psql", f"{server}/test", "-qc", sql], check=True,
                   env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"})  # no "does not exist, skipping"


def time_one(commit: str, run: int, folder: Path, database_url: str) -> dict:
    clone, database = folder / f"{commit}-{run}", f"suite_time_{run}"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "-q", commit], cwd=clone, check=True)
    psql(database_url, f"DROP DATABASE IF EXISTS {database}")
    psql(database_url, f"CREATE DATABASE {database}")
    log = folder / f"{commit}-{run}.log"
    env = {**os.environ, "CI": "true", "TEST_TMP": f"{folder}/tmp-{run}", "TEST_PG_URL": f"{database_url}/{database}"}
    cpu, started = machine_cpu_seconds(), time.monotonic()
    with open(log, "w") as output:
        status = subprocess.run(["make", "test"], cwd=clone, env=env, stdout=output,
                                stderr=subprocess.STDOUT).returncode
    wall, cpu = time.monotonic() - started, machine_cpu_seconds() - cpu
    psql(database_url, f"DROP DATABASE IF EXISTS {database}")
    shutil.rmtree(clone)
    lanes = [f"{count} tests {float(seconds):.0f} s" for count, seconds in LANE.findall(log.read_text())]
    if status:
        kept = Path(tempfile.gettempdir()) / f"suite_time-{commit}-{run}.log"
        shutil.copy(log, kept)
        print(f"  make test failed ({status}); its output: {kept}")
    return {"commit": commit, "status": status, "wall": wall, "cpu": cpu, "lanes": lanes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commits", nargs="*", default=["HEAD"])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="a PostgreSQL server, no database")
    args = parser.parse_args()
    commits = [subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip() for commit in args.commits]
    results = []
    with tempfile.TemporaryDirectory(prefix="suite_time-") as folder:
        for run in range(1, args.runs + 1):
            for commit in commits:
                result = time_one(commit, len(results) + 1, Path(folder), args.database_url)
                results.append(result)
                print(f"run {run} {commit}: {'passed' if not result['status'] else 'FAILED'}, "
                      f"wall {result['wall']:.1f} s, machine CPU {result['cpu']:.0f} s; "
                      f"lanes: {', '.join(result['lanes'])}", flush=True)
    means = {commit: statistics.mean(r["wall"] for r in results if r["commit"] == commit) for commit in commits}
    first = means[commits[0]]
    for commit, mean in means.items():
        change = "" if commit == commits[0] else f" ({(mean - first) / first:+.1%} from {commits[0]})"
        print(f"{commit}: mean wall {mean:.1f} s over {args.runs} run(s){change}")
    return 1 if any(r["status"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
