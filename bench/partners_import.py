"""Time a whole département's DATAtourisme flux through the partner import, as the app runs it.

A flux zip is generated as DATAtourisme delivers it (index.json, objects/<x>/<xx>/<id>.json) by
repeating the real objects of tests/partners/datatourisme_real with new identifiers: 20,000 places
(museums, churches, domaines, lakes… of the 2020 flux, and one 2025 object in 200) plus out-of-scope
objects (events, hotels, itineraries…). Then, on a fresh database, the worker the app starts
(`flask partners run-import-job`, its own process) reads it for the preview, and, once confirmed,
writes the sites. Measured: each phase's wall time and the worker's peak memory (max RSS).
Then the same flux is sent again with every place renamed: a re-import where all 20,000 sites are
updates. Targets from issue 15: ≤ 60 s and ≤ 300 MB for 20,000 places, each phase.

    .venv/bin/python bench/partners_import.py [places]        # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/partners_import.py
    … bench/partners_import.py 20000 --no-reimport --profile /tmp/prof  # cProfile of each worker run
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT / "tests" / "partners" / "datatourisme_real"
TARGET_SECONDS, TARGET_MB = 60.0, 300
OUT_OF_SCOPE_SHARE = 0.1


def real_objects():
    """(places, others): the real objects, split by whether the importer keeps them."""
    from passresot.partners import datatourisme

    places, others, big = [], [], []
    for path in sorted(REAL.glob("20*/*.json")):
        obj = json.loads(path.read_text(encoding="utf-8"))
        _id, _raw, _errors, extras = datatourisme.row_from_object(obj)
        if extras.get("skip"):
            others.append(obj)
        elif path.parent.name == "2025":
            big.append(obj)
        else:
            places.append(obj)
    return places, others, big


def write_flux(path: Path, places: int, renamed: bool = False) -> tuple:
    """The zip; returns (objects written, uncompressed bytes). `renamed`: each place's label changed
    (the same identifiers), so that importing it again updates every site."""
    from passresot.partners import datatourisme

    small, others, big = real_objects()
    total_others = int(places * OUT_OF_SCOPE_SHARE)
    written = size = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        index = []
        for i in range(places + total_others):
            if i % 11 == 10 and total_others:
                source, total_others = others[i % len(others)], total_others - 1
            elif i % 200 == 199:
                source = big[i % len(big)]
            else:
                source = small[i % len(small)]
            obj = dict(source)
            name = f"{i:08x}-bench-{i % 97:02d}"
            obj["@id"] = f"https://data.datatourisme.fr/66/{name}"
            obj["dc:identifier"] = f"BENCH{i:08d}"
            if renamed:
                obj["rdfs:label"] = {"fr": [datatourisme.text_of(source.get("rdfs:label"))[:140] + " (bis)"]}
            text = json.dumps(obj, ensure_ascii=False)
            member = f"objects/{name[0]}/{name[:2]}/{name}.json"
            archive.writestr(member, text)
            index.append({"label": "x", "lastUpdateDatatourisme": "2026-01-01", "file": member[8:]})
            written, size = written + 1, size + len(text.encode("utf-8"))
        archive.writestr("index.json", json.dumps(index))
    return written, size


def run_worker(env: dict, job_id: int, profile: str = "") -> tuple:
    """(seconds, peak RSS in MB, CPU seconds) of one `flask partners run-import-job` process; with
    `profile`, run under cProfile and write its statistics to that file. The CPU time tells the
    worker's own work from waiting on a machine other jobs share."""
    started = time.perf_counter()
    profiler = ["-m", "cProfile", "-o", profile] if profile else []
    process = subprocess.Popen([sys.executable, *profiler, "-m", "flask", "--app", str(ROOT / "app.py"),
                                "partners", "run-import-job", str(job_id)], cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"worker failed ({status})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("places", type=int, nargs="?", default=20_000)
    parser.add_argument("--no-reimport", action="store_true", help="skip the re-import (all updates)")
    parser.add_argument("--profile", metavar="DIR", help="cProfile each worker run into DIR/<phase>.prof")
    options = parser.parse_args()
    places = options.places
    workdir = Path(tempfile.mkdtemp(prefix="bench-partners-"))
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    env = dict(os.environ, DATABASE_URL=database, PASSRESOT_INSTANCE_PATH=str(workdir / "instance"),
               SECRET_KEY="bench-secret")
    os.environ.update(env)
    if options.profile:
        os.makedirs(options.profile, exist_ok=True)
    try:
        from flask_migrate import upgrade

        from passresot import create_app
        from passresot.extensions import db

        app = create_app()
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            upgrade()
        runs = [("import", False, "created")] + ([] if options.no_reimport else [("reimport", True, "updated")])
        ok = True
        for label, renamed, expected in runs:
            flux = workdir / f"{label}.zip"
            started = time.perf_counter()
            objects, raw_size = write_flux(flux, places, renamed)
            print(f"{label} flux: {objects} objects ({places} places), {raw_size / 1e6:.0f} MB of JSON-LD, "
                  f"zip {flux.stat().st_size / 1e6:.0f} MB, generated in {time.perf_counter() - started:.0f} s")
            ok &= run_import(app, env, flux, places, label, expected, options.profile)
        print(f"targets ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB} MB per phase: {'met' if ok else 'MISSED'}")
        sys.exit(0 if ok else 1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run_import(app, env, flux: Path, places: int, label: str, expected: str, profile_dir) -> bool:
    """Preview then write one flux as the app does; True when both phases meet the targets and
    every place was `expected` (created, updated)."""
    from passresot.extensions import db
    from passresot.partners import jobs
    from passresot.partners.job_models import JobStatus, PartnerImportJob
    from passresot.partners.models import Partner

    def profile(phase):
        return os.path.join(profile_dir, f"{label}-{phase}.prof") if profile_dir else ""

    with app.app_context():
        path = jobs.new_upload_path(flux.name)
        shutil.copyfile(flux, path)
        job = jobs.create_job(None, path, flux.name, origin="cli")
        db.session.commit()
        job_id = job.id
    read_seconds, read_mb, read_cpu = run_worker(env, job_id, profile("preview"))
    with app.app_context():
        job = db.session.get(PartnerImportJob, job_id)
        assert job.status is JobStatus.ready, (job.status, job.errors)
        counts = {k: v for k, v in job.counts.items() if isinstance(v, int)}
        print(f"{label} preview (read, check, match, store): {read_seconds:.1f} s (CPU {read_cpu:.1f} s), worker peak "
              f"{read_mb:.0f} MB — {counts}")
        jobs.confirm_job(job, apply_periods=True)
        db.session.commit()
    write_seconds, write_mb, write_cpu = run_worker(env, job_id, profile("write"))
    with app.app_context():
        job = db.session.get(PartnerImportJob, job_id)
        stored = Partner.query.count()
        print(f"{label} (write the sites): {write_seconds:.1f} s (CPU {write_cpu:.1f} s), worker peak {write_mb:.0f} MB — "
              f"{job.result}, {stored} partners in the database ({db.engine.dialect.name})")
        return all((read_seconds <= TARGET_SECONDS, write_seconds <= TARGET_SECONDS,
                    max(read_mb, write_mb) <= TARGET_MB, stored == places,
                    job.result.get(expected) == places))


if __name__ == "__main__":
    main()
