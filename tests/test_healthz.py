"""GET /healthz: 200 when the database answers at the code's migration head, 503 otherwise (no secret)."""
from sqlalchemy import text

from passresot import create_app
from passresot.extensions import db


def test_up_to_date_database_is_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "current"}
    assert response.headers["Cache-Control"] == "no-store"


def _healthz_with_revision(app, client, revision):
    """GET /healthz while the database claims `revision`; the real one is put back afterwards."""
    with app.app_context():
        head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
        db.session.commit()
    try:
        return client.get("/healthz")
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
            db.session.commit()


def test_a_database_at_an_older_revision_is_behind(app, client):
    response = _healthz_with_revision(app, client, "0007_stats_indexes")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "migrations": "behind"}
    assert client.get("/healthz").status_code == 200


def test_a_revision_this_code_does_not_know_is_ahead(app, client):
    response = _healthz_with_revision(app, client, "0099_from_the_future")
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
