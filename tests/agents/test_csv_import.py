"""CSV import of an office's agents: the parser and checks, the all-or-nothing import, the HTTP flow."""
import base64
import codecs
import io
import re
from datetime import date

import pytest

from passresot.accounts.api import user_for_setup_link
from passresot.accounts.models import AgentKind, Role, SetupLink, User
from passresot.agents.csv_import import (MAX_ROWS, check_agents_csv, example_csv, import_agents,
                                         parse_agents_csv)
from passresot.agents.exceptions import AgentImportRejected
from passresot.audit.models import AuditEvent
from passresot.errors import Forbidden
from passresot.extensions import db
from passresot.mailbox.api import send_queued
from tests.helpers import csrf_token, login

HEADER = "prenom;nom;email;type;debut_contrat;fin_contrat"
UPLOAD_URL = "/office/agents/import"
CONFIRM_URL = "/office/agents/import/confirm"
EXAMPLE_URL = "/office/agents/import/example.csv"


def csv_bytes(*rows, header=HEADER, encoding="utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def agent_rows(count, prefix="agent"):
    return [f"Prénom{i};Nom{i};{prefix}{i}@example.fr;permanent;01/01/2026;" for i in range(count)]


def texts(messages):
    return [str(message) for message in messages]


def agent_count():
    return User.query.filter_by(role=Role.agent).count()


@pytest.fixture
def ctx(app, make):
    """A request context, so the lazy French messages can be read; yields the factory."""
    with app.test_request_context():
        yield make


# --- Reading the file ------------------------------------------------------------------------

def test_example_file_is_utf8_with_bom_and_reads_cleanly(ctx):
    data = example_csv()
    assert data.startswith(codecs.BOM_UTF8)
    assert data[3:].decode("utf-8").splitlines()[0] == HEADER
    preview = parse_agents_csv(data)
    assert preview.ok and preview.encoding == "UTF-8" and preview.delimiter == ";"
    assert [row.cleaned["first_name"] for row in preview.rows] == ["Élodie", "Núria", "Jordi"]
    assert preview.rows[1].cleaned["kind"] is AgentKind.seasonal
    assert preview.rows[1].cleaned["contract_end"] == date(2026, 9, 30)


def test_windows_1252_with_commas_accents_and_header_aliases(ctx):
    data = csv_bytes("Élodie,Garcià,Elodie.Garcia@Example.FR,Saisonnière,01/06/2026,30/09/2026",
                     "Núria,Puig,nuria@example.fr,perm,,",
                     header="Prénom,NOM,E-mail,Type de contrat,Début du contrat,Date de fin,Service",
                     encoding="cp1252")
    preview = parse_agents_csv(data)
    assert preview.ok, texts(preview.errors) + [texts(r.errors) for r in preview.rows]
    assert (preview.encoding, preview.delimiter) == ("Windows-1252", ",")
    assert preview.ignored_columns == ["Service"]
    first, second = preview.rows
    assert (first.cleaned["first_name"], first.cleaned["last_name"]) == ("Élodie", "Garcià")
    assert first.cleaned["email"] == "elodie.garcia@example.fr"
    assert first.cleaned["kind"] is AgentKind.seasonal
    assert second.cleaned["first_name"] == "Núria" and second.cleaned["kind"] is AgentKind.permanent


def test_utf8_without_bom_and_excel_sep_line(ctx):
    data = b"sep=,\r\n" + csv_bytes("Anna,Roca,anna@example.fr,permanent,2026-01-15,",
                                    header=HEADER.replace(";", ","))
    preview = parse_agents_csv(data)
    assert preview.ok and preview.delimiter == ","
    assert preview.rows[0].line == 3
    assert preview.rows[0].cleaned["contract_start"] == date(2026, 1, 15)


def test_empty_lines_are_skipped_and_lines_keep_their_file_number(ctx):
    data = csv_bytes("", "Anna;Roca;anna@example.fr;permanent;;", ";;;;;", "",
                     "Pau;Casals;pau@example.fr;permanent;;")
    preview = parse_agents_csv(data)
    assert preview.ok
    assert [row.line for row in preview.rows] == [3, 6]


@pytest.mark.parametrize("header, missing", [
    ("prenom;nom", "email, type"),
    ("nom;email;type;fin_contrat", "prenom"),
    ("Anna;Roca;anna@example.fr;permanent", "prenom, nom, email, type"),
])
def test_missing_columns_are_named(ctx, header, missing):
    preview = parse_agents_csv(csv_bytes("a;b;c;d", header=header))
    assert not preview.ok and preview.rows == []
    assert missing in texts(preview.errors)[0]


def test_a_repeated_column_is_a_file_error(ctx):
    preview = parse_agents_csv(csv_bytes("a;b;c;d;e", header="prenom;nom;email;mail;type"))
    assert texts(preview.errors) == ["La colonne « email » apparaît plusieurs fois dans la ligne "
                                     "des noms de colonnes."]


def test_duplicate_emails_inside_the_file(ctx):
    preview = parse_agents_csv(csv_bytes("Anna;Roca;anna@example.fr;permanent;;",
                                         "Pau;Casals;pau@example.fr;permanent;;",
                                         "Anne;Roca;ANNA@example.fr;permanent;;"))
    assert [row.ok for row in preview.rows] == [True, True, False]
    assert texts(preview.rows[2].errors) == [
        "Ligne 4 : l'adresse e-mail « anna@example.fr » figure déjà ligne 2"]
    assert preview.rows[2].error_columns == {"email"}


def test_emails_already_used_by_any_account_are_flagged_against_the_database(ctx):
    make = ctx
    make.agent(make.office(), email="taken@example.fr")
    make.partner_staff(email="partner@example.fr")
    data = csv_bytes("Anna;Roca;Taken@example.fr;permanent;;",
                     "Pau;Casals;partner@example.fr;permanent;;",
                     "Joan;Miró;free@example.fr;permanent;;")
    assert parse_agents_csv(data).ok  # the pure reading does not look at the database
    preview = check_agents_csv(data)
    assert [row.ok for row in preview.rows] == [False, False, True]
    assert texts(preview.rows[0].errors) == [
        "Ligne 2 : l'adresse e-mail « taken@example.fr » est déjà utilisée par un compte existant"]


@pytest.mark.parametrize("value", ["31/02/2026", "2026-13-01", "12/31/2026", "demain", "1/9/26",
                                   "01/01/1800", "30.09.2026"])
def test_bad_dates_are_named_with_the_expected_format(ctx, value):
    preview = parse_agents_csv(csv_bytes(f"Anna;Roca;anna@example.fr;saisonnier;01/01/2026;{value}"))
    row = preview.rows[0]
    assert texts(row.errors) == [
        f"Ligne 2 : date de fin invalide (« {value} ») — format attendu JJ/MM/AAAA"]
    assert row.error_columns == {"fin_contrat"}
    start = parse_agents_csv(csv_bytes(f"Anna;Roca;anna@example.fr;permanent;{value};")).rows[0]
    assert texts(start.errors) == [
        f"Ligne 2 : date de début invalide (« {value} ») — format attendu JJ/MM/AAAA"]


@pytest.mark.parametrize("value", ["1/9/2026", "01/09/2026", "2026-09-01", "01/09/2026 00:00"])
def test_accepted_date_forms(ctx, value):
    row = parse_agents_csv(csv_bytes(f"Anna;Roca;anna@example.fr;saisonnier;;{value}")).rows[0]
    assert row.ok and row.cleaned["contract_end"] == date(2026, 9, 1)


def test_seasonal_without_end_date(ctx):
    preview = parse_agents_csv(csv_bytes("Anna;Roca;anna@example.fr;saisonnier;01/06/2026;"))
    assert texts(preview.rows[0].errors) == [
        "Ligne 2 : date de fin obligatoire pour un saisonnier (colonne fin_contrat)"]
    without_column = parse_agents_csv(csv_bytes("Anna;Roca;anna@example.fr;saisonnier",
                                                "Pau;Casals;pau@example.fr;permanent",
                                                header="prenom;nom;email;type"))
    assert [row.ok for row in without_column.rows] == [False, True]


def test_end_before_start(ctx):
    row = parse_agents_csv(csv_bytes("Anna;Roca;anna@example.fr;saisonnier;01/09/2026;31/05/2026")).rows[0]
    assert texts(row.errors) == [
        "Ligne 2 : la date de fin (« 31/05/2026 ») précède la date de début (« 01/09/2026 »)"]


@pytest.mark.parametrize("value, kind", [("Permanent", AgentKind.permanent), ("PERM", AgentKind.permanent),
                                         ("saisonnier", AgentKind.seasonal), ("Saison", AgentKind.seasonal),
                                         ("seasonal", AgentKind.seasonal)])
def test_kind_aliases(ctx, value, kind):
    row = parse_agents_csv(csv_bytes(f"Anna;Roca;anna@example.fr;{value};;31/12/2026")).rows[0]
    assert row.ok and row.cleaned["kind"] is kind


def test_every_bad_value_of_a_row_is_reported_with_its_line(ctx):
    long_name = "x" * 81
    preview = parse_agents_csv(csv_bytes(f";{long_name};pas-une-adresse;CDD;;",
                                         "Anna;Roca;;;;;en trop"))
    assert texts(preview.rows[0].errors) == [
        "Ligne 2 : prénom manquant", "Ligne 2 : nom trop long (80 caractères au plus)",
        "Ligne 2 : adresse e-mail invalide (« pas-une-adresse »)",
        "Ligne 2 : type inconnu (« CDD ») — indiquez permanent ou saisonnier"]
    assert texts(preview.rows[1].errors) == [
        "Ligne 3 : plus de valeurs que de colonnes (vérifiez le séparateur et les guillemets)",
        "Ligne 3 : adresse e-mail manquante",
        "Ligne 3 : type manquant — indiquez permanent ou saisonnier"]


def test_an_unclosed_quote_is_pointed_out(ctx):
    preview = parse_agents_csv(csv_bytes('"Anna;Roca;anna@example.fr;permanent;;',
                                         "Pau;Casals;pau@example.fr;permanent;;"))
    assert any("guillemet non fermé" in message for message in texts(preview.rows[0].errors))
    assert not preview.ok


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", codecs.BOM_UTF8])
def test_empty_file(ctx, data):
    assert texts(parse_agents_csv(data).errors) == ["Le fichier est vide."]


def test_header_without_any_agent(ctx):
    preview = parse_agents_csv(csv_bytes())
    assert "aucun agent" in texts(preview.errors)[0]


@pytest.mark.parametrize("data, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "pas un fichier texte"),
    (bytes(range(256)) * 4, "pas un fichier texte"),
    (b"PK\x03\x04\x14\x00\x06\x00", "classeur Excel"),
    (codecs.BOM_UTF16_LE + HEADER.encode("utf-16-le"), "UTF-16"),
    (HEADER.encode() + b"\r\nAnna;Ro\x81ca;a@example.fr;permanent;;\r\n", "Encodage du fichier non reconnu"),
    (codecs.BOM_UTF8 + "prenom;nom\r\nÉlodie".encode("cp1252"), "Encodage du fichier non reconnu"),
], ids=["png", "all-bytes", "xlsx", "utf16", "undefined-cp1252-byte", "bom-then-cp1252"])
def test_binary_or_wrongly_encoded_files_are_refused_clearly(ctx, data, words):
    preview = parse_agents_csv(data)
    assert preview.rows == [] and len(preview.errors) == 1
    assert words in str(preview.errors[0])


def test_too_many_rows(ctx):
    assert parse_agents_csv(csv_bytes(*agent_rows(MAX_ROWS))).ok
    preview = parse_agents_csv(csv_bytes(*agent_rows(MAX_ROWS + 1)))
    assert preview.rows == []
    assert texts(preview.errors) == ["Le fichier contient 2001 agents, 2000 au plus : découpez-le "
                                     "en plusieurs fichiers."]


def test_too_big_a_file(ctx):
    data = csv_bytes("Anna;Roca;anna@example.fr;permanent;;" + ";" * (2 * 1024 * 1024))
    assert texts(parse_agents_csv(data).errors) == [
        "Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."]


# --- Importing -------------------------------------------------------------------------------

def test_import_creates_every_agent_in_the_office_and_does_not_commit(ctx):
    make = ctx
    office = make.office()
    admin = make.office_admin(office)
    agents = import_agents(admin, office.id, example_csv())
    assert [a.email for a in agents] == ["elodie.marti@example.fr", "nuria.puig@example.fr",
                                         "jordi.bosch@example.fr"]
    assert all(a.office_id == office.id and a.role is Role.agent and a.password_hash is None
               for a in agents)
    assert agents[1].kind is AgentKind.seasonal and agents[1].contract_end == date(2026, 9, 30)
    assert AuditEvent.query.filter_by(action="agent.csv_imported").count() == 1
    db.session.rollback()  # flushed only: the caller's commit decides
    assert agent_count() == 0


def test_import_with_one_bad_row_creates_nobody(ctx):
    make = ctx
    office = make.office()
    admin = make.office_admin(office)
    data = csv_bytes(*agent_rows(5), "Anna;Roca;anna@example.fr;saisonnier;;")
    with pytest.raises(AgentImportRejected) as raised:
        import_agents(admin, office.id, data)
    assert [row.line for row in raised.value.preview.error_rows] == [7]
    assert agent_count() == 0


def test_import_rechecks_the_database(ctx):
    make = ctx
    office = make.office()
    admin = make.office_admin(office)
    make.agent(make.office(), email="agent1@example.fr")
    with pytest.raises(AgentImportRejected):
        import_agents(admin, office.id, csv_bytes(*agent_rows(3)))
    assert agent_count() == 1


def test_an_office_admin_cannot_import_into_another_office(ctx):
    make = ctx
    admin = make.office_admin(make.office())
    with pytest.raises(Forbidden):
        import_agents(admin, make.office().id, example_csv())
    assert agent_count() == 0


# --- Through HTTP ----------------------------------------------------------------------------

@pytest.fixture
def office_admin(client, make):
    office = make.office()
    admin = make.office_admin(office)
    assert login(client, admin.email).status_code == 302
    return admin


def post_file(client, data, filename="agents.csv"):
    token = csrf_token(client, UPLOAD_URL)
    return client.post(UPLOAD_URL, data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def payload_of(html):
    match = re.search(r'<textarea[^>]*name="payload"[^>]*>\s*([A-Za-z0-9+/=]+)</textarea>', html)
    assert match, "no confirm form on the preview"
    return match.group(1)


def confirm(client, payload, **extra):
    token = csrf_token(client, UPLOAD_URL)
    return client.post(CONFIRM_URL, data={"csrf_token": token, "payload": payload, **extra})


def test_upload_page_explains_the_columns(client, office_admin):
    html = client.get(UPLOAD_URL).get_data(as_text=True)
    for column in ("prenom", "nom", "email", "type", "debut_contrat", "fin_contrat", "saisonnier",
                   "JJ/MM/AAAA", "Windows-1252"):
        assert column in html
    assert EXAMPLE_URL in html


def test_example_download(client, office_admin):
    response = client.get(EXAMPLE_URL)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data == example_csv()


def test_preview_shows_every_row_and_writes_nothing(client, office_admin):
    events = AuditEvent.query.count()
    response = post_file(client, example_csv())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("Élodie", "Núria", "Jordi", "nuria.puig@example.fr", "30/09/2026"):
        assert name in html
    assert html.count('class="row-ok"') == 3
    assert base64.b64decode(payload_of(html)) == example_csv()
    assert agent_count() == 0 and AuditEvent.query.count() == events


def test_preview_with_errors_shows_them_beside_the_rows_and_offers_no_confirm(client, office_admin):
    data = csv_bytes("Anna;Roca;anna@example.fr;permanent;;",
                     "Pau;Casals;pau@example.fr;saisonnier;01/06/2026;",
                     "Joan;Miró;joan@example.fr;permanent;01/06/2026;31/02/2026")
    html = post_file(client, data).get_data(as_text=True)
    assert html.count('class="row-error"') == 2 and html.count('class="row-ok"') == 1
    assert "date de fin obligatoire pour un saisonnier" in html
    assert "Ligne 4 : date de fin invalide (« 31/02/2026 ») — format attendu JJ/MM/AAAA" in html
    assert CONFIRM_URL not in html and 'name="payload"' not in html
    assert agent_count() == 0


@pytest.mark.parametrize("data, message", [
    (b"prenom;nom\r\nAnna;Roca\r\n", "Colonnes manquantes : email, type"),
    (b"\x00\x01\x02garbage\xff", "pas un fichier texte"),
    (b"", "Le fichier est vide."),
])
def test_file_level_errors_are_shown_beside_the_file_field(client, office_admin, data, message):
    response = post_file(client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error" id="file-error"' in html and message in html


def test_upload_without_a_real_file_is_a_form_error_not_a_crash(client, office_admin):
    token = csrf_token(client, UPLOAD_URL)
    assert client.post(UPLOAD_URL, data={"csrf_token": token}).status_code == 400
    as_text = client.post(UPLOAD_URL, data={"csrf_token": token, "file": "prenom;nom"})
    assert as_text.status_code == 400 and "Ce champ est obligatoire." in as_text.get_data(as_text=True)


def test_confirm_imports_everything_into_the_admins_office_even_if_tampered(client, office_admin,
                                                                          make, fake_smtp):
    other = make.office()
    payload = payload_of(post_file(client, example_csv()).get_data(as_text=True))
    response = confirm(client, payload, office_id=str(other.id))
    assert response.status_code == 302  # to a page of its own, which a reload shows again
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    # The import answered at once: the e-mails wait for `flask send-mail`, and the page says so.
    assert "3 agents importés" in html and html.count("E-mail en cours d'envoi") == 3
    assert "Envoyé par e-mail</span>" not in html
    first_links = re.findall(r'value="(http://localhost/password/[^"]+)"', html)
    assert send_queued() == (3, 0)
    sent = [(message["To"], message.get_content()) for _host, message in fake_smtp.sent]
    reloaded = client.get(response.headers["Location"]).get_data(as_text=True)
    assert reloaded.count("Envoyé par e-mail</span>") == 3
    html = reloaded
    agents = User.query.filter_by(role=Role.agent).all()
    assert len(agents) == 3
    assert {a.office_id for a in agents} == {office_admin.office_id}
    assert User.query.filter_by(office_id=other.id).count() == 0
    links = re.findall(r'value="(http://localhost/password/[^"]+)"', html)
    assert len(links) == 3 and SetupLink.query.count() == 3
    assert first_links == links  # the reload shows the same one-time links
    assert sorted(to for to, _ in sent) == sorted(a.email for a in agents)
    for to, body in sent:  # each agent is mailed their own link
        token = re.search(r"/password/(\S+)", body).group(1)
        assert user_for_setup_link(token).email == to
    assert client.get(links[0]).status_code == 200  # the one-time link works


def test_confirm_with_one_bad_row_writes_nothing(client, office_admin):
    data = csv_bytes(*agent_rows(4), "Anna;Roca;anna@example.fr;saisonnier;;")
    response = confirm(client, base64.b64encode(data).decode())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "aucun agent n&#39;a été importé" in html and "Ligne 6 : date de fin obligatoire" in html
    assert agent_count() == 0 and SetupLink.query.count() == 0
    assert AuditEvent.query.filter(AuditEvent.action.like("agent.%")).count() == 0


def test_confirm_refuses_an_email_taken_since_the_preview(client, office_admin, make):
    payload = payload_of(post_file(client, example_csv()).get_data(as_text=True))
    make.agent(make.office(), email="nuria.puig@example.fr")
    response = confirm(client, payload)
    assert response.status_code == 400
    assert "est déjà utilisée par un compte existant" in response.get_data(as_text=True)
    assert agent_count() == 1


@pytest.mark.parametrize("payload", ["", "!!! pas du base64 !!!", "é",
                                     base64.b64encode(b"\x00\x01binary").decode()])
def test_confirm_with_a_broken_payload_is_a_clear_400(client, office_admin, payload):
    response = confirm(client, payload)
    assert response.status_code == 400
    assert agent_count() == 0


def test_confirm_accepts_a_payload_larger_than_flask_form_field_limit(client, office_admin):
    wide = "x" * 2000
    rows = [row + ";" + wide for row in agent_rows(300)]
    data = csv_bytes(*rows, header=HEADER + ";commentaire")
    assert len(base64.b64encode(data)) > 500_000
    response = confirm(client, base64.b64encode(data).decode())
    assert response.status_code == 302
    assert agent_count() == 300


@pytest.mark.parametrize("role", ["agent", "partner_staff", "network_admin"])
def test_other_roles_get_403(client, make, role):
    user = {"agent": make.agent, "partner_staff": make.partner_staff,
            "network_admin": make.network_admin}[role]()
    login(client, user.email)
    assert client.get(UPLOAD_URL).status_code == 403
    assert client.get(EXAMPLE_URL).status_code == 403
    token = csrf_token(client, client.get("/").headers["Location"])  # the role's own home page
    payload = base64.b64encode(example_csv()).decode()
    assert client.post(CONFIRM_URL, data={"csrf_token": token, "payload": payload}).status_code == 403
    assert agent_count() == (1 if role == "agent" else 0)


@pytest.mark.parametrize("url", [UPLOAD_URL, EXAMPLE_URL])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_anonymous_confirm_is_sent_to_login(client, app_ctx):
    token = csrf_token(client, "/login")
    response = client.post(CONFIRM_URL, data={"csrf_token": token,
                                              "payload": base64.b64encode(example_csv()).decode()})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert agent_count() == 0


def test_a_cell_with_html_is_shown_as_text_in_the_errors(client, office_admin):
    data = csv_bytes("Anna;Roca;anna@example.fr;<img src=x onerror=alert(1)>;;")
    html = post_file(client, data).get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
