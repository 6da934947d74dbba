"""Error answers: French pages for people, JSON {error: {code, message}} for /api/, never a stack trace."""
import html
import os
import re
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import OperationalError

from passresot import create_app
from passresot.extensions import db
from tests.helpers import FAST_HASH, login
from tests.factories import Factory


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- on the application under test --------------------------------------------------------------

def test_an_unknown_page_is_a_french_html_404(client):
    response = client.get("/cette-page-n-existe-pas", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    body = text(response)
    assert '<html lang="fr">' in body
    assert "Cette page n'existe pas ou n'est pas à vous." in body
    assert "Retour à l'accueil" in body


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/cela-n-existe-pas")
    assert response.status_code == 404
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == "Cette page n'existe pas ou n'est pas à vous."


def test_a_browser_asking_for_json_gets_json(client):
    response = client.get("/nulle-part", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_wrong_method_is_a_french_405(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Cette action n'est pas possible ici." in text(response)


def test_english_is_offered(client):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/language/en", data={"csrf_token": token, "next": "/login"}).status_code == 302
    assert '<html lang="en">' in text(client.get("/login"))


# --- on a separate application, with throwaway routes -------------------------------------------

SECRET = "détail-interne-7f3a"


@pytest.fixture(scope="module")
def other_app(tmp_path_factory):
    """A second app on its own SQLite file, with routes that fail; the session app is left alone."""
    instance = tmp_path_factory.mktemp("errors-instance")
    database = os.path.join(str(instance), "errors.db")
    app = create_app({"TESTING": False, "INSTANCE_PATH": str(instance), "SECRET_KEY": "errors-secret",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + database, "SERVER_NAME": "localhost"})

    def boom():
        raise RuntimeError(SECRET)

    def database_down():
        raise OperationalError("SELECT 1", {}, Exception(SECRET))

    for path, view in (("/boom", boom), ("/api/v1/boom", boom),
                       ("/database-down", database_down), ("/api/v1/database-down", database_down)):
        app.add_url_rule(path, endpoint=path, view_func=view)
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
    app.database_path = database
    yield app
    with app.app_context():
        db.engine.dispose()


def assert_no_leak(body: str):
    assert SECRET not in body
    assert "Traceback" not in body
    assert "RuntimeError" not in body and "OperationalError" not in body


def test_an_unexpected_error_is_a_french_500_page_without_stack_trace(other_app):
    response = other_app.test_client().get("/boom")
    body = text(response)
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "Une erreur inattendue est survenue. Réessayez dans un instant." in body
    assert_no_leak(body)


def test_an_unexpected_api_error_is_json_without_stack_trace(other_app):
    response = other_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.get_json() == {"error": {
        "code": "server_error", "message": "Une erreur inattendue est survenue. Réessayez dans un instant."}}
    assert_no_leak(response.get_data(as_text=True))


def test_a_database_error_is_a_503(other_app):
    response = other_app.test_client().get("/database-down")
    body = text(response)
    assert response.status_code == 503
    assert "Le service est momentanément indisponible. Réessayez dans un instant." in body
    assert_no_leak(body)
    api = other_app.test_client().get("/api/v1/database-down")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "unavailable"


@contextmanager
def database_unreachable(app):
    """Replace the SQLite file by a directory, which SQLite cannot open, then put it back."""
    moved = app.database_path + ".away"
    with app.app_context():
        db.engine.dispose()
    os.rename(app.database_path, moved)
    os.mkdir(app.database_path)
    try:
        yield
    finally:
        os.rmdir(app.database_path)
        os.rename(moved, app.database_path)
        with app.app_context():
            db.engine.dispose()


def test_a_database_that_cannot_be_opened_is_a_503_for_a_visitor(other_app):
    client = other_app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    with database_unreachable(other_app):
        response = client.post("/login", data={"email": "a@example.fr", "password": "x" * 12,
                                               "csrf_token": token})
    body = text(response)
    assert response.status_code == 503
    assert "Le service est momentanément indisponible" in body
    assert_no_leak(body)


def test_a_database_that_cannot_be_opened_is_a_503_for_a_signed_in_person(other_app):
    with other_app.app_context():
        email = Factory(FAST_HASH).network_admin().email
    client = other_app.test_client()
    assert login(client, email).status_code == 302
    with database_unreachable(other_app):
        response = client.get("/admin/offices")
    body = text(response)
    assert response.status_code == 503
    assert "Le service est momentanément indisponible" in body
    assert_no_leak(body)


def test_a_lazy_message_quoting_user_input_is_escaped_in_pages(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context("/"):
        message = lazy_gettext("Ligne %(n)s : « %(value)s »", n=2, value="<img src=x onerror=alert(1)>")
        html = render_template_string("<ul>{% for m in messages %}<li>{{ m }}</li>{% endfor %}</ul>",
                                      messages=[message])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_form_whose_token_ran_out_says_so_and_leads_back_to_its_page(client, make):
    login(client, make.network_admin().email)
    response = client.post("/admin/offices/new", data={"name": "Office", "commune": "Elne"},
                           headers={"Referer": "http://localhost/admin/offices/new"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "la page était ouverte depuis longtemps" in html
    assert 'href="/admin/offices/new" data-back-to-form' in html


def test_a_form_sent_after_the_session_ended_leads_through_the_sign_in_page(client, make):
    response = client.post("/admin/offices/new", data={"name": "Office", "csrf_token": "périmé"},
                           headers={"Referer": "http://localhost/admin/offices/new?x=1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "votre session a pris fin" in html
    assert 'href="/login?next=/admin/offices/new?x%3D1"' in html
    foreign = client.post("/admin/offices/new", data={"name": "Office"},
                          headers={"Referer": "https://ailleurs.example/piege"})
    assert "ailleurs.example" not in foreign.get_data(as_text=True)  # only this site's pages
