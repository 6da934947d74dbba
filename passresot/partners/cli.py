"""`flask partners …`: the nightly DATAtourisme import, and the worker that runs an import job."""
import os
import shutil
import urllib.request
from urllib.parse import urlsplit

import click
from flask.cli import AppGroup

from ..extensions import db
from . import jobs
from .import_files import MAX_BYTES
from .job_models import JobStatus, PartnerImportJob

partners_cli = AppGroup("partners", help="Sites partenaires : imports DATAtourisme.")
DOWNLOAD_TIMEOUT = 120


@partners_cli.command("import-datatourisme")
@click.argument("file_or_url")
@click.option("--dry-run", is_flag=True, help="Lire et comparer seulement : rien n'est écrit.")
@click.option("--periods", is_flag=True,
              help="Reprendre les périodes d'ouverture comme périodes d'accueil des sites qui n'en ont pas.")
def import_datatourisme_command(file_or_url, dry_run, periods):
    """Import a DATAtourisme flux (zip, JSON-LD or CSV), from a file or a URL (nightly cron).

    Out-of-scope objects are skipped and objects in error left out; the result goes to the audit
    trail and to the import page of the network admin. Exit status 1 when the file is refused."""
    path = _fetch(file_or_url)
    job = jobs.create_job(None, path, os.path.basename(urlsplit(file_or_url).path) or file_or_url,
                          origin="cli")
    db.session.commit()
    job_id = job.id
    jobs.run_job(job_id)
    job = db.session.get(PartnerImportJob, job_id)
    if job.status is JobStatus.failed:
        raise click.ClickException("; ".join(job.errors))
    counts = job.counts
    click.echo(f"Import n° {job_id} ({job.format}) : {counts.get('new', 0)} nouveaux, "
               f"{counts.get('update', 0)} mises à jour, {counts.get('unchanged', 0)} déjà à jour, "
               f"{counts.get('error', 0)} en erreur, {counts.get('skipped', 0)} hors champ.")
    if dry_run:
        click.echo("Essai (--dry-run) : rien n'a été écrit.")
        return
    jobs.confirm_job(job, apply_periods=periods)
    db.session.commit()
    jobs.run_job(job_id)
    job = db.session.get(PartnerImportJob, job_id)
    result = job.result
    click.echo(f"Écrit : {result.get('created', 0)} sites créés, {result.get('updated', 0)} mis à "
               f"jour, {result.get('kept', 0)} inchangés.")


@partners_cli.command("run-import-job", hidden=True)
@click.argument("job_id", type=int)
def run_import_job_command(job_id):
    """Run the waiting phase of an import job (started by the app in the background)."""
    jobs.run_job(job_id)


def _fetch(file_or_url: str) -> str:
    """A local copy of the file (a URL is downloaded in chunks, up to the size limit)."""
    if not file_or_url.startswith(("http://", "https://")):
        if not os.path.isfile(file_or_url):
            raise click.ClickException(f"Fichier introuvable : {file_or_url}")
        path = jobs.new_upload_path(file_or_url)
        shutil.copyfile(file_or_url, path)
        return path
    path = jobs.new_upload_path(urlsplit(file_or_url).path)
    try:
        with urllib.request.urlopen(file_or_url, timeout=DOWNLOAD_TIMEOUT) as response, \
                open(path, "wb") as out:
            copied = 0
            while chunk := response.read(1024 * 1024):
                copied += len(chunk)
                if copied > MAX_BYTES:
                    raise click.ClickException(f"Le flux dépasse {MAX_BYTES // (1024 * 1024)} Mo.")
                out.write(chunk)
    except OSError as error:
        raise click.ClickException(f"Téléchargement impossible : {error}") from None
    return path
