"""Partner imports as background jobs: upload a real flux zip, follow its progress, preview, confirm;
the job survives the page (its state is in the database); the nightly command; a real worker process."""
import http.server
import re
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from passresot.audit.models import AuditEvent
from passresot.extensions import db
from passresot.partners.job_models import JobStatus, PartnerImportJob, PartnerImportRow
from passresot.partners.api import update_own_site, update_partner
from passresot.partners.models import Partner
from passresot.timeutil import utcnow
from tests.helpers import csrf_token, login
from tests.partners.helpers import all_real, flux_zip
from tests.partners.helpers import UPLOAD_URL, confirm, confirm_url_of, post_file


@pytest.fixture
def network_admin(client, make):
    admin = make.network_admin()
    assert login(client, admin.email).status_code == 302
    return admin


def only_job():
    db.session.expire_all()
    return PartnerImportJob.query.one()


def test_a_real_flux_zip_goes_through_preview_and_confirmation(client, network_admin):
    response = post_file(client, flux_zip(all_real("2020") + all_real("2025")), "flux-37.zip")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Flux DATAtourisme (zip)" in html
    job = only_job()
    assert job.status is JobStatus.ready and job.counts["new"] == 11 and job.counts["skipped"] == 39
    assert job.counts["skipped_by_reason"]["event"] == 7 and "Événement : 7" in html
    assert "Périodes d&#39;accueil proposées" in html or "Périodes d'accueil proposées" in html
    skipped = client.get(f"/admin/partners/import/jobs/{job.id}?statut=skipped").get_data(as_text=True)
    assert "Groupe Piou / Concert Scène locale 37" in skipped and "Hébergement" in skipped
    assert Partner.query.count() == 0
    html = confirm(client, confirm_url_of(html), apply_periods=True).get_data(as_text=True)
    assert "11 sites créés" in html and Partner.query.count() == 11
    assert only_job().status is JobStatus.done
    assert Partner.query.filter_by(name="Église Saint-Antoine").one().accepts_all_year
    event = AuditEvent.query.filter_by(action="partner_import.completed").one()
    assert (event.actor_id, event.details["created"], event.details["skipped"]) == (network_admin.id, 11, 39)


def test_the_status_answers_json_for_the_progress_bar(client, network_admin):
    post_file(client, flux_zip(all_real("2025")), "flux.zip")
    job = only_job()
    status = client.get(f"/admin/partners/import/jobs/{job.id}/status").get_json()
    assert status["status"] == "ready" and status["percent"] == 100 and status["counts"]["new"] == 5


def test_a_running_job_shows_a_progress_bar_that_reopens(client, network_admin):
    job = PartnerImportJob(filename="flux.zip", status=JobStatus.reading, done=250, total=1000,
                           counts={"new": 3}, result={}, errors=[], info={}, heartbeat_at=utcnow())
    db.session.add(job)
    db.session.commit()
    html = client.get(f"/admin/partners/import/jobs/{job.id}").get_data(as_text=True)
    assert '<progress id="import-progress" max="100" value="25">' in html
    assert "Vous pouvez fermer cette page" in html and "partner-import-job.js" in html
    assert "Relancer" not in html
    assert "flux.zip" in client.get(UPLOAD_URL).get_data(as_text=True)  # listed among the imports


def test_an_interrupted_job_can_be_restarted(client, network_admin, app):
    post_file(client, flux_zip(all_real("2025")), "flux.zip")
    job = only_job()
    job.status, job.heartbeat_at = JobStatus.importing, utcnow() - timedelta(minutes=10)
    db.session.commit()
    html = client.get(f"/admin/partners/import/jobs/{job.id}").get_data(as_text=True)
    assert "interrompu" in html and "Relancer" in html
    token = csrf_token(client, UPLOAD_URL)
    html = client.post(f"/admin/partners/import/jobs/{job.id}/restart", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "5 sites créés" in html and Partner.query.count() == 5


def test_a_file_that_cannot_be_read_fails_the_job_and_gives_back_the_form(client, network_admin):
    html = post_file(client, b"PK\x03\x04broken", "flux.zip").get_data(as_text=True)
    assert "zip est abîmé" in html and 'name="file"' in html and "pas pu être lu" in html
    job = only_job()
    assert job.status is JobStatus.failed and PartnerImportRow.query.count() == 0


def test_a_bad_object_is_listed_with_its_message_and_the_rest_imports(client, network_admin):
    objects = all_real("2025")
    church = [o for o in objects if o["@id"].endswith("5f5a5535d1b2")][0]
    church["isLocatedAt"][0]["schema:geo"]["schema:latitude"] = "420.5"
    html = post_file(client, flux_zip(objects), "flux.zip").get_data(as_text=True)
    assert "Latitude hors limites" in html and "1 site en erreur sera laissé de côté" in html
    html = confirm(client, confirm_url_of(html)).get_data(as_text=True)
    assert "4 sites créés" in html and Partner.query.count() == 4


# --- The nightly command ---------------------------------------------------------------------------

def test_the_command_dry_run_writes_nothing_then_imports_and_records_it(app, app_ctx, tmp_path):
    path = tmp_path / "flux.zip"
    path.write_bytes(flux_zip(all_real("2020")))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["partners", "import-datatourisme", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "6 nouveaux" in result.output and "34 hors champ" in result.output and "rien n'a été écrit" in result.output
    assert Partner.query.count() == 0 and path.exists()
    result = runner.invoke(args=["partners", "import-datatourisme", str(path)])
    assert result.exit_code == 0, result.output
    assert "6 sites créés" in result.output and Partner.query.count() == 6
    event = AuditEvent.query.filter_by(action="partner_import.completed").order_by(AuditEvent.id.desc()).first()
    assert event.actor_id is None and event.details["origin"] == "cli" and event.details["created"] == 6
    result = runner.invoke(args=["partners", "import-datatourisme", str(path)])
    assert "0 sites créés" in result.output and "6 inchangés" in result.output and Partner.query.count() == 6


def test_the_nightly_reimport_updates_in_place_and_keeps_what_the_admin_set(app, app_ctx, tmp_path):
    objects = all_real("2025")
    path = tmp_path / "flux.zip"
    path.write_bytes(flux_zip(objects))
    runner = app.test_cli_runner()
    assert "5 sites créés" in runner.invoke(args=["partners", "import-datatourisme", str(path)]).output
    site = Partner.query.filter_by(sit_id="DEGLAR034V51N5DK").one()
    site.manager_name, site.visit_minutes, site.accepts_all_year = "Mme Roca", 90, True
    db.session.commit()
    site_id, others = site.id, {p.id: p.name for p in Partner.query if p.id != site.id}
    for obj in objects:
        obj["rdfs:label"] = {"fr": [f"{obj['rdfs:label']['fr'][0]} (nouveau nom)"]}
    path.write_bytes(flux_zip(objects))
    result = runner.invoke(args=["partners", "import-datatourisme", str(path), "--periods"])
    assert "0 sites créés, 5 mis à jour" in result.output, result.output
    db.session.expire_all()
    assert Partner.query.count() == 5
    assert all(p.name.endswith(" (nouveau nom)") for p in Partner.query)
    site = db.session.get(Partner, site_id)
    assert (site.manager_name, site.visit_minutes, site.accepts_all_year, site.periods) == ("Mme Roca", 90, True, [])
    renamed = AuditEvent.query.filter_by(action="partner.updated").filter(AuditEvent.target_id.in_(others))
    assert sorted(e.details["name"] for e in renamed if "name" in e.details) == \
        sorted(f"{name} (nouveau nom)" for name in others.values())
    job = PartnerImportJob.query.order_by(PartnerImportJob.id.desc()).first()
    assert {(r.status, r.partner_id is not None) for r in PartnerImportRow.query.filter_by(job_id=job.id)
            if r.status != "skipped"} == {("updated", True)}


def test_what_the_admin_or_the_site_corrected_by_hand_survives_the_nightly_import(app, app_ctx, make, tmp_path):
    """A flux holds the tourism database's words; a site that fixed its phone or its hours, or the
    network admin who fixed a name, must not see them undone every night."""
    objects = all_real("2025")
    path = tmp_path / "flux.zip"
    path.write_bytes(flux_zip(objects))
    runner = app.test_cli_runner()
    assert "5 sites créés" in runner.invoke(args=["partners", "import-datatourisme", str(path)]).output
    site, other = Partner.query.order_by(Partner.id).limit(2).all()
    staff = make.partner_staff(site)
    update_own_site(staff, {"phone": "04 68 00 00 00", "opening_info": "Tous les jours 10 h – 18 h"})
    update_partner(make.network_admin(), other, {"name": "Nom corrigé à la main"})
    db.session.commit()
    assert sorted(site.hand_edited) == ["opening_info", "phone"] and other.hand_edited == ["name"]
    site_id, other_id = site.id, other.id

    for obj in objects:
        obj["rdfs:label"] = {"fr": [f"{obj['rdfs:label']['fr'][0]} (nouveau nom)"]}
        obj.setdefault("hasContact", [{}])[0]["schema:telephone"] = ["04 99 99 99 99"]
    path.write_bytes(flux_zip(objects))
    assert "0 sites créés, 5 mis à jour" in runner.invoke(
        args=["partners", "import-datatourisme", str(path)]).output
    db.session.expire_all()
    site, other = db.session.get(Partner, site_id), db.session.get(Partner, other_id)
    assert (site.phone, site.opening_info) == ("04 68 00 00 00", "Tous les jours 10 h – 18 h")
    assert site.name.endswith(" (nouveau nom)")  # what nobody corrected still follows the flux
    assert other.name == "Nom corrigé à la main"
    assert {p.phone for p in Partner.query if p.id != site_id} == {"04 99 99 99 99"}


def test_the_network_admin_sees_the_nightly_import_and_its_result(client, network_admin, app, tmp_path):
    path = tmp_path / "flux-nuit.zip"
    path.write_bytes(flux_zip(all_real("2025")))
    assert app.test_cli_runner().invoke(args=["partners", "import-datatourisme", str(path)]).exit_code == 0
    html = client.get(UPLOAD_URL).get_data(as_text=True)
    listed = html[html.index("Derniers imports"):]
    assert "flux-nuit.zip" in listed and "commande" in listed and "5 créés, 0 mis à jour, 0 inchangés" in listed


def test_the_deployed_cron_pulls_the_networks_flux_every_night(app):
    deploy = Path(__file__).parents[2] / "deploy"
    line, = [line for line in (deploy / "passresot.cron").read_text().splitlines()
             if "import-datatourisme" in line and not line.startswith("#")]
    assert line.startswith("30 2 * * * passresot ") and "--dry-run" not in line and "--periods" not in line
    assert 'partners import-datatourisme "$DATATOURISME_FLUX_URL"' in line
    assert "#DATATOURISME_FLUX_URL=https://" in (deploy / "passresot.env.example").read_text()
    assert "import-datatourisme" in app.cli.commands["partners"].commands  # the command it runs exists


def test_the_command_pulls_a_flux_url(app, app_ctx, tmp_path):
    (tmp_path / "flux.zip").write_bytes(flux_zip(all_real("2025")))
    handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(tmp_path))  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/flux.zip"
        result = app.test_cli_runner().invoke(args=["partners", "import-datatourisme", url])
    finally:
        server.shutdown()
    assert result.exit_code == 0, result.output
    assert "5 sites créés" in result.output and Partner.query.count() == 5


def test_the_command_refuses_a_bad_file_with_exit_status_1(app, app_ctx, tmp_path):
    path = tmp_path / "index.json"
    path.write_text('[{"label": "x", "file": "0/00/a.json"}]')
    result = app.test_cli_runner().invoke(args=["partners", "import-datatourisme", str(path)])
    assert result.exit_code == 1 and "index (index.json)" in result.output


# --- A real worker process -------------------------------------------------------------------------

def test_the_app_starts_a_worker_process_that_reads_the_file(client, network_admin, app, monkeypatch):
    """What production does: `flask partners run-import-job` in its own process, same database."""
    monkeypatch.setitem(app.config, "PARTNER_IMPORT_RUNNER", "process")
    token = csrf_token(client, UPLOAD_URL)
    import io
    response = client.post(UPLOAD_URL, data={"csrf_token": token,
                                             "file": (io.BytesIO(flux_zip(all_real("2025"))), "flux.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    job_url = re.search(r"/admin/partners/import/jobs/\d+", response.headers["Location"]).group(0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(job_url + "/status").get_json()
        if status["status"] in ("ready", "failed"):
            break
        time.sleep(0.5)
    assert status["status"] == "ready", (status, open(app.instance_path + "/partner_imports/worker.log").read()[-3000:])
    assert status["counts"].get("new") == 5, status
