"""How long a fresh process takes to import the app, and which heavy libraries it loads on the way.

Every gunicorn worker, `flask` command, partner-import worker and test server pays this once; the
browser tests alone start the live server about 50 times. Libraries needed only by some requests
(PDF, XLSX) are imported when first used, and the sign-in's dummy hash is made at the first unknown
email, so none of them should show in the list below.

    .venv/bin/python bench/app_start.py [--runs 7]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("fpdf", "fontTools", "openpyxl", "PIL.ImageCms", "pypdfium2")
PROBE = f"""
import json, resource, sys, time
started = time.perf_counter()
import app  # noqa: F401
wall = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "heavy": sorted({{name.split('.')[0] for name in sys.modules if name.startswith({HEAVY!r})}})}}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{instance}/start.db", "PASSRESOT_INSTANCE_PATH": instance}
        results = [json.loads(subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,
                                             capture_output=True, text=True).stdout.splitlines()[-1])
                   for _ in range(runs)]
    print(f"import app, {runs} fresh processes: median {statistics.median(r['wall'] for r in results):.2f} s wall, "
          f"{statistics.median(r['cpu'] for r in results):.2f} s CPU (interpreter start included in CPU)")
    print("heavy libraries loaded at start:", ", ".join(results[-1]["heavy"]) or "none")


if __name__ == "__main__":
    main()
