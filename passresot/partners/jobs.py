"""Partner imports as background jobs: the file is read in a worker (a `flask partners run-import-job`
process started by the app, so a web worker never holds it), its rows stored in the database, the
preview shown from them by any worker or host, and the import written in batches after confirmation.

Phases: queued → reading → ready (preview) → confirmed → importing → done; failed if the file
cannot be read. A worker claims a phase with a conditional UPDATE, so two never run the same job."""
import os
import subprocess
import sys
import threading
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, update

from ..audit.api import record_event
from ..csvfiles import FileRejected
from ..extensions import db
from ..timeutil import utcnow
from . import imports
from .import_files import ImportPreview, ImportRow, _check_row, read_rows
from .job_models import JobStatus, PartnerImportJob, PartnerImportRow
from .models import Partner
from .sources import PartnerSource

BATCH = 500
#: A running job whose worker said nothing for this long was interrupted (restart, crash).
STALE_AFTER = timedelta(minutes=3)
RUNNING = (JobStatus.queued, JobStatus.reading, JobStatus.confirmed, JobStatus.importing)


def upload_dir() -> str:
    path = os.path.join(current_app.instance_path, "partner_imports")
    os.makedirs(path, exist_ok=True)
    return path


def new_upload_path(filename: str) -> str:
    extension = os.path.splitext(filename or "")[1].lower()[:8]
    return os.path.join(upload_dir(), f"{uuid.uuid4().hex}{extension if extension.isascii() else ''}")


def create_job(actor, path: str, filename: str, origin: str = "web") -> PartnerImportJob:
    """A job for a file saved at `path`; flushed, the caller commits then calls start_job."""
    job = PartnerImportJob(created_by_id=getattr(actor, "id", None), origin=origin,
                           filename=(filename or os.path.basename(path))[:255],
                           size=os.path.getsize(path), file_path=path, status=JobStatus.queued,
                           done=0, total=os.path.getsize(path), counts={}, result={}, errors=[],
                           info={}, apply_periods=False, heartbeat_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def confirm_job(job: PartnerImportJob, apply_periods: bool) -> bool:
    """Queue the writing of a ready job; False when it is not (or no longer) ready."""
    claimed = db.session.execute(
        update(PartnerImportJob).where(PartnerImportJob.id == job.id,
                                       PartnerImportJob.status == JobStatus.ready)
        .values(status=JobStatus.confirmed, apply_periods=apply_periods, heartbeat_at=utcnow(),
                done=0, total=job.counts.get("new", 0) + job.counts.get("update", 0)
                + job.counts.get("unchanged", 0))).rowcount
    return bool(claimed)


def is_stale(job: PartnerImportJob) -> bool:
    return job.status in RUNNING and (job.heartbeat_at or job.created_at) < utcnow() - STALE_AFTER


def restart_job(job: PartnerImportJob) -> bool:
    """Queue an interrupted job again: reading starts over; writing goes on where it stopped."""
    if not is_stale(job):
        return False
    if job.status in (JobStatus.queued, JobStatus.reading):
        if not os.path.exists(job.file_path):
            return False
        PartnerImportRow.query.filter_by(job_id=job.id).delete()
        job.status, job.done, job.counts = JobStatus.queued, 0, {}
    else:
        job.status = JobStatus.confirmed
    job.heartbeat_at = utcnow()
    return True


def start_job(job_id: int) -> None:
    """Run the job's next phase outside the request, as PARTNER_IMPORT_RUNNER says: "process" (a
    detached `flask` command: survives the web worker, its memory is its own), "thread", "inline"."""
    app = current_app._get_current_object()
    runner = app.config.get("PARTNER_IMPORT_RUNNER") or ("inline" if app.testing else "process")
    if runner == "inline":  # tests: at once, but in its own app context, so its own session
        _run_in_app(app, job_id)
    elif runner == "thread":
        threading.Thread(target=_run_in_app, args=(app, job_id), daemon=True).start()
    else:
        _spawn(app, job_id)


def _run_in_app(app, job_id):
    with app.app_context():
        run_job(job_id)


def _spawn(app, job_id):
    root = os.path.dirname(app.root_path)
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               PASSRESOT_INSTANCE_PATH=app.instance_path, SECRET_KEY=app.config["SECRET_KEY"])
    log = open(os.path.join(upload_dir(), "worker.log"), "ab")
    subprocess.Popen([sys.executable, "-m", "flask", "--app", os.path.join(root, "app.py"), "partners",
                      "run-import-job", str(job_id)], cwd=root, env=env, stdin=subprocess.DEVNULL,
                     stdout=log, stderr=log, start_new_session=True, close_fds=True)
    log.close()


def run_job(job_id: int) -> None:
    """Run whichever phase the job waits for (read, or write); nothing when another worker has it."""
    if _claim(job_id, JobStatus.queued, JobStatus.reading):
        read_phase(job_id)
    elif _claim(job_id, JobStatus.confirmed, JobStatus.importing):
        import_phase(job_id)


def _claim(job_id, waiting, running) -> bool:
    claimed = db.session.execute(
        update(PartnerImportJob).where(PartnerImportJob.id == job_id, PartnerImportJob.status == waiting)
        .values(status=running, heartbeat_at=utcnow())).rowcount
    db.session.commit()
    return bool(claimed)


# --- Reading ----------------------------------------------------------------------------------

def read_phase(job_id: int) -> None:
    """Read the file as a stream, match each batch of rows to the directory and store them."""
    job = db.session.get(PartnerImportJob, job_id)
    path, filename, size = job.file_path, job.filename, job.size
    preview, counts = ImportPreview(), {}
    try:
        with open(path, "rb") as handle:
            source = PartnerSource(handle, filename, size)
            try:
                batch = []
                for row in read_rows(source, preview):
                    batch.append(row)
                    if len(batch) >= BATCH:
                        _store(job_id, batch, source, preview, counts)
                        batch = []
                _store(job_id, batch, source, preview, counts)
            finally:
                source.close()
    except FileRejected as problem:
        db.session.rollback()
        _fail(job_id, [str(problem.args[0])])
        return
    except OSError:
        db.session.rollback()
        _fail(job_id, [str(imports.FILE_GONE)])
        return
    job = db.session.get(PartnerImportJob, job_id)
    job.status, job.format, job.done = JobStatus.ready, preview.format, job.total
    job.info = {"encoding": preview.encoding, "delimiter": preview.delimiter,
                "ignored_columns": preview.ignored_columns, "strict": preview.strict}
    job.heartbeat_at = utcnow()
    db.session.commit()
    _remove_file(path)


def _store(job_id, rows, source, preview, counts) -> None:
    imports.match_rows(rows)
    if rows:
        db.session.execute(insert(PartnerImportRow), [_row_record(job_id, row) for row in rows])
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    counts["skipped_by_reason"] = dict(preview.skipped_by_reason)
    db.session.execute(update(PartnerImportJob).where(PartnerImportJob.id == job_id).values(
        done=source.done, total=source.total, counts=dict(counts), format=preview.format,
        heartbeat_at=utcnow()))
    db.session.commit()
    db.session.expunge_all()  # the partners matched: a flux of 20,000 must not pile up in memory


def _row_record(job_id, row: ImportRow) -> dict:
    return {"job_id": job_id, "position": row.position, "status": row.status,
            "name": str(row.raw.get("name") or "")[:200],
            "partner_id": row.partner.id if row.partner is not None else None,
            "data": {"source": row.source, "source_id": row.source_id, "sit_id": row.sit_id,
                     "raw": {k: v for k, v in row.raw.items() if k != "periods"},
                     "periods": [[s.isoformat(), e.isoformat(), r] for s, e, r in row.raw.get("periods") or []],
                     "errors": {k: str(v) for k, v in row.errors.items()},
                     "warnings": row.warning_texts(), "changes": row.changes, "skip": row.skip,
                     "suggestion": row.suggestion, "types": row.types, "in_json": row.in_json}}


def row_from_record(record: PartnerImportRow) -> ImportRow:
    """The ImportRow stored by the read, cleaned again (for the preview and the writing)."""
    from datetime import date

    data = record.data
    raw = dict(data.get("raw") or {})
    if data.get("periods"):
        raw["periods"] = [(date.fromisoformat(s), date.fromisoformat(e), r) for s, e, r in data["periods"]]
    row = ImportRow(record.position, data.get("source", ""), data.get("source_id", ""), raw,
                    dict(data.get("errors") or {}), in_json=data.get("in_json", False),
                    sit_id=data.get("sit_id", ""), skip=data.get("skip"),
                    suggestion=data.get("suggestion") or {}, types=data.get("types") or [])
    row.status, row.changes, row.warnings = record.status, list(data.get("changes") or []), \
        list(data.get("warnings") or [])
    if not row.skip:
        errors = dict(row.errors)
        _check_row(row)
        row.errors = errors or row.errors
    return row


def _fail(job_id, messages) -> None:
    PartnerImportRow.query.filter_by(job_id=job_id).delete()
    job = db.session.get(PartnerImportJob, job_id)
    job.status, job.errors, job.finished_at = JobStatus.failed, messages, utcnow()
    path = job.file_path
    db.session.commit()
    _remove_file(path)


def _remove_file(path) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


# --- Writing ----------------------------------------------------------------------------------

def import_phase(job_id: int) -> None:
    """Write the rows still to write, a batch per transaction, matching each again first (the
    directory may have changed since the preview); a restarted job goes on where it stopped."""
    job = db.session.get(PartnerImportJob, job_id)
    actor_id, apply_periods, strict = job.created_by_id, job.apply_periods, job.info.get("strict")
    result = dict(job.result or {})
    if strict and job.counts.get("error"):
        _finish(job_id, result)  # our CSV is all or nothing: the preview offered no import
        return
    last_id, created_since_statistics, known_sites = 0, 0, Partner.query.count()
    while True:
        # Walk forward by id (rows were stored in file order): on PostgreSQL, the rows already
        # written leave dead index entries under status "new" that a status lookup would re-read.
        records = (PartnerImportRow.query.filter(
            PartnerImportRow.job_id == job_id, PartnerImportRow.id > last_id,
            PartnerImportRow.status.in_(("new", "update", "unchanged")))
            .order_by(PartnerImportRow.id).limit(BATCH).all())
        if not records:
            break
        last_id = records[-1].id
        created_since_statistics += _write_batch(job_id, records, actor_id, apply_periods, result)
        if created_since_statistics >= max(BATCH, known_sites):  # the directory doubled
            known_sites, created_since_statistics = known_sites + created_since_statistics, 0
            imports.refresh_statistics()
            db.session.commit()
    if created_since_statistics:  # for the next import's lookups
        imports.refresh_statistics()
    _finish(job_id, result)


def _write_batch(job_id, records, actor_id, apply_periods, result) -> int:
    """Match the stored rows again, write them and their outcome, commit; how many sites were created."""
    rows = [row_from_record(record) for record in records]
    ids = [record.id for record in records]
    db.session.expunge_all()  # the records are written below in bulk, never one by one
    imports.match_rows(rows, warn_duplicates=False)
    outcomes = imports.write_rows(_actor(actor_id), rows, apply_periods)
    for outcome in outcomes:
        result[outcome] = result.get(outcome, 0) + 1
    db.session.execute(update(PartnerImportRow), [
        {"id": record_id, "status": outcome, "partner_id": row.partner_id}
        for record_id, row, outcome in zip(ids, rows, outcomes)])
    db.session.execute(update(PartnerImportJob).where(PartnerImportJob.id == job_id).values(
        done=PartnerImportJob.done + len(records), result=dict(result), heartbeat_at=utcnow()))
    db.session.commit()
    db.session.expunge_all()
    return outcomes.count("created")


def _actor(actor_id):
    from ..accounts.models import User

    return db.session.get(User, actor_id) if actor_id else None


def _finish(job_id, result) -> None:
    job = db.session.get(PartnerImportJob, job_id)
    job.status, job.finished_at, job.result = JobStatus.done, utcnow(), dict(result)
    job.done = job.total
    record_event(_actor(job.created_by_id), "partner_import.completed", "partner_import", job.id,
                 file=job.filename, origin=job.origin, created=result.get("created", 0),
                 updated=result.get("updated", 0), unchanged=result.get("kept", 0),
                 errors=job.counts.get("error", 0), skipped=job.counts.get("skipped", 0))
    db.session.commit()


def recent_jobs(limit: int = 10) -> list:
    return (PartnerImportJob.query.execution_options(populate_existing=True)
            .order_by(PartnerImportJob.created_at.desc(), PartnerImportJob.id.desc()).limit(limit).all())
