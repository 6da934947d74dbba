"""Time the CSV import of 500 agents: the domain call, then the HTTP preview + confirm, on fresh SQLite.

Each measure covers parsing, every check (including the database look-up of e-mails), creating the
agents, their one-time links and the single commit; the HTTP one adds the two requests, the pages
and the (logged, SMTP-less) e-mails. Target from the issue: under 5 s.

    .venv/bin/python bench/csv_import.py [rows]
"""
import base64
import io
import logging
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from passresot import create_app  # noqa: E402
from passresot.accounts.models import Role, User  # noqa: E402
from passresot.agents.csv_import import import_agents  # noqa: E402
from passresot.agents.setup_links import create_link_batch  # noqa: E402
from passresot.extensions import db  # noqa: E402
from passresot.offices.models import Office  # noqa: E402

TARGET_SECONDS = 5.0
PASSWORD = "bench-password-123"


def agents_csv(rows: int, prefix: str) -> bytes:
    """A realistic Windows-1252 file from Excel: ';', accents, both kinds, French dates."""
    lines = ["Prénom;Nom;E-mail;Type;Début contrat;Fin contrat"]
    for i in range(rows):
        seasonal = i % 3 == 0
        lines.append(f"Élodie{i};Núñez-Garcià{i};{prefix}.agent{i}@example.fr;"
                     f"{'saisonnier' if seasonal else 'permanent'};01/04/2026;"
                     f"{'30/09/2026' if seasonal else ''}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def make_office_admin(name: str) -> User:
    office = Office(name=name, commune="Perpignan", email=f"{name.lower()}@example.fr")
    db.session.add(office)
    db.session.flush()
    admin = User(email=f"admin.{name.lower()}@example.fr", role=Role.office_admin,
                 first_name="Admin", last_name=name, office_id=office.id,
                 password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    db.session.add(admin)
    db.session.commit()
    return admin


def time_domain(app, rows: int) -> float:
    with app.test_request_context():
        admin = make_office_admin("Domaine")
        data = agents_csv(rows, "domain")
        started, cpu = time.perf_counter(), time.process_time()
        agents = import_agents(admin, admin.office_id, data)
        create_link_batch(admin, agents)
        db.session.commit()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        assert len(agents) == rows
    return elapsed, cpu


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def time_http(app, rows: int) -> tuple:
    with app.app_context():
        admin_email = make_office_admin("Web").email
    client = app.test_client()
    client.post("/login", data={"email": admin_email, "password": PASSWORD,
                                "csrf_token": csrf(client.get("/login").get_data(as_text=True))})
    token = csrf(client.get("/office/agents/import").get_data(as_text=True))
    data = agents_csv(rows, "web")
    started, cpu = time.perf_counter(), time.process_time()
    preview = client.post("/office/agents/import", content_type="multipart/form-data",
                          data={"csrf_token": token, "file": (io.BytesIO(data), "agents.csv")})
    preview_done = time.perf_counter()
    payload = re.search(r'name="payload"[^>]*>\s*([A-Za-z0-9+/=]+)<', preview.get_data(as_text=True))
    assert preview.status_code == 200 and payload, preview.status_code
    assert base64.b64decode(payload.group(1)) == data
    result = client.post("/office/agents/import/confirm",
                         data={"csrf_token": token, "payload": payload.group(1)}, follow_redirects=True)
    finished, cpu = time.perf_counter(), time.process_time() - cpu
    assert result.status_code == 200, result.status_code
    assert result.get_data(as_text=True).count("/password/") >= rows
    return preview_done - started, finished - preview_done, cpu


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    logging.disable(logging.WARNING)  # send_mail logs each message when SMTP is not configured
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                          "SERVER_NAME": "localhost"})
        with app.app_context():
            upgrade()
        domain, domain_cpu = time_domain(app, rows)
        preview, confirm, http_cpu = time_http(app, rows)
        with app.app_context():
            db.engine.dispose()
    # CPU time too: on a busy machine the wall clock mostly measures waiting for a core.
    print(f"csv_import: {rows} rows in {domain:.2f} s (CPU {domain_cpu:.2f} s; target < "
          f"{TARGET_SECONDS:.0f} s) — parse, checks, agents, setup links, commit")
    print(f"csv_import over HTTP: {rows} rows in {preview + confirm:.2f} s (CPU {http_cpu:.2f} s; "
          f"preview {preview:.2f} s + confirm {confirm:.2f} s; target < {TARGET_SECONDS:.0f} s)")
    return 0 if max(domain, preview + confirm) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
