"""GET /healthz: 200 when the database answers at the code's migration head, 503 otherwise (no secret)."""
from sqlalchemy import text

from passresot import create_app
from passresot.extensions import db


def test_up_to_date_database_is_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "current"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_database_at_an_older_revision_is_behind(app, client):
    with app.app_context():
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0007_stats_indexes'"))
        db.session.commit()
    try:
        response = client.get("/healthz")
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
            db.session.commit()
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "migrations": "behind"}
    assert client.get("/healthz").status_code == 200


def test_a_revision_this_code_does_not_know_is_ahead(app, client):
    with app.app_context():
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
        db.session.commit()
    try:
        response = client.get("/healthz")
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
            db.session.commit()
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "ahead"


def test_an_unreachable_database_is_503_without_trace_or_secret(tmp_path):
    # Port 1 refuses connections at once; the URL carries a password that must not leak.
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://ops:s3cret-pw@127.0.0.1:1/passresot"})
    response = app.test_client().get("/healthz")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable", "migrations": "unknown"}
    assert "s3cret" not in body and "Traceback" not in body and "127.0.0.1" not in body


def test_healthz_needs_no_sign_in_and_sets_no_cookie(client):
    response = client.get("/healthz", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.is_json
    assert "Set-Cookie" not in response.headers
