"""English through the catalogue: every French source string translated, placeholders kept, the switch works.

The catalogue is compiled here when its .mo is missing or older than the .po, because the .mo is
git-ignored and `python -m pytest` may run without `make translations`. Flask-Babel keeps every
catalogue it has loaded for the life of the process (a running server needs a restart to see a
new .mo), so the HTTP tests below drop that cache first.
"""
import gettext
import os
import re
from contextlib import contextmanager
from datetime import date, datetime

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import render_template_string, session
from markupsafe import escape

from tests import factories
from tests.helpers import FAST_HASH, csrf_token, login

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRANSLATIONS = os.path.join(ROOT, "passresot", "translations")
PO_PATH = os.path.join(TRANSLATIONS, "en", "LC_MESSAGES", "messages.po")
MO_PATH = os.path.join(TRANSLATIONS, "en", "LC_MESSAGES", "messages.mo")
#: The same keywords and skipped folders as scripts/update_translations.sh.
KEYWORDS = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None, lazy_ngettext=(1, 2))
SKIPPED_DIRS = ("node_modules", "static", "instance", "migrations")
#: A %-format directive (named or not, `%%` included), else a lone percent sign.
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]|%")


def _read_catalogue():
    with open(PO_PATH, "rb") as handle:
        return read_po(handle, locale="en")


def _compile_catalogue():
    """Write the .mo beside the .po when it is missing or stale (before any app loads it)."""
    if os.path.exists(MO_PATH) and os.path.getmtime(MO_PATH) >= os.path.getmtime(PO_PATH):
        return
    partial = MO_PATH + ".partial"
    with open(partial, "wb") as handle:
        write_mo(handle, _read_catalogue())
    os.replace(partial, MO_PATH)


_compile_catalogue()
CATALOGUE = _read_catalogue()


def english(msgid, count=None):
    """The catalogue's English for `msgid` (for a plural entry, the form `count` takes)."""
    message = CATALOGUE.get(msgid)
    assert message is not None and message.string, f"no English for {msgid!r}"
    if count is None:
        return message.string
    return message.string[gettext.c2py(CATALOGUE.plural_expr)(count)]


def _source_messages():
    """{singular msgid: plural msgid or None} for every string the code and templates mark."""
    with open(os.path.join(ROOT, "babel.cfg"), encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)

    def keep_dir(path):
        name = os.path.basename(path)
        return not (name.startswith((".", "_")) or name in SKIPPED_DIRS)

    found = {}
    for _filename, _line, message, _comments, _context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=keep_dir):
        if isinstance(message, tuple):
            found[message[0]] = message[1]
        else:
            found.setdefault(message, None)
    return found


def _entries():
    """(msgid, msgstr) pairs to compare, one per plural form (form 0 against the singular)."""
    for message in CATALOGUE:
        if not message.id:
            continue
        if message.pluralizable:
            for index, form in enumerate(message.string):
                yield message.id[min(index, 1)], form
        else:
            yield message.id, message.string


def test_every_source_string_has_an_english_translation():
    source = _source_messages()
    assert len(source) > 100, "extraction found almost nothing: check babel.cfg"
    problems = []
    for msgid, plural in sorted(source.items()):
        message = CATALOGUE.get(msgid)
        if message is None:
            problems.append(f"missing: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif plural is not None and (not message.pluralizable or message.id[1] != plural):
            problems.append(f"plural changed: {msgid!r} / {plural!r}")
        elif not (all(message.string) if message.pluralizable else message.string):
            problems.append(f"untranslated: {msgid!r}")
    for problem in problems:
        print(problem)
    assert not problems, (f"{len(problems)} French strings without English; run "
                          "scripts/update_translations.sh and translate them:\n" + "\n".join(problems))


def test_plural_entries_have_the_english_forms():
    assert CATALOGUE.num_plurals == 2
    for message in CATALOGUE:
        if message.id and message.pluralizable:
            assert len(message.string) == 2 and all(message.string), message.id


def test_translations_keep_the_placeholders_and_percent_signs():
    mismatched = []
    for msgid, msgstr in _entries():
        if set(PERCENT.findall(msgid)) != set(PERCENT.findall(msgstr)):
            mismatched.append(f"{msgid!r} -> {msgstr!r}")
    assert not mismatched, "placeholders differ:\n" + "\n".join(mismatched)


@pytest.fixture
def fresh_catalogue(app):
    """Drop Flask-Babel's catalogue cache (kept on the Babel object), so pages read the .mo compiled above."""
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()


@pytest.fixture
def seed(app, clean_db):
    """Factories in a short app context of their own, closed before the pages are requested.

    Not `make`: its app context lasts the whole test and every test-client request reuses it, so
    Flask-Babel's locale and Flask-Login's user, kept on `g`, would outlive their request and the
    page after a switch would stay French.
    """
    @contextmanager
    def seeding():
        with app.app_context():
            yield factories.Factory(FAST_HASH)

    return seeding


def _switch(client, code, page):
    response = client.post(f"/language/{code}", data={"csrf_token": csrf_token(client, page), "next": page})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page)


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.usefixtures("fresh_catalogue")
def test_login_page_is_french_by_default(client):
    html = _page(client, "/login")
    assert '<html lang="fr">' in html
    assert "Connexion" in html and "Se connecter" in html


@pytest.mark.usefixtures("fresh_catalogue")
def test_language_switch_turns_the_login_page_english_and_back(client):
    _switch(client, "en", "/login")
    html = _page(client, "/login")
    assert '<html lang="en">' in html
    assert f'type="submit">{escape(english("Se connecter"))}</button>' in html
    for french in ("Connexion", "Se connecter", "Mot de passe", "Adresse e-mail"):
        assert french not in html
    assert 'lang="fr">Français</button>' in html

    _switch(client, "fr", "/login")
    html = _page(client, "/login")
    assert '<html lang="fr">' in html
    assert "Se connecter" in html and 'lang="en">English</button>' in html


@pytest.mark.usefixtures("fresh_catalogue")
def test_office_admin_agents_page_in_english_and_remembered_for_the_account(app, client, seed):
    with seed() as make:
        office = make.office()
        admin_email = make.office_admin(office).email
        make.agent(office, seasonal=True)
    login(client, admin_email)
    assert "Nouvel agent" in _page(client, "/office/agents")

    _switch(client, "en", "/office/agents")
    html = _page(client, "/office/agents")
    assert '<html lang="en">' in html
    for msgid in ("Agents", "Nouvel agent", "Importer un CSV", "Filtrer", "Saisonnier",
                  "Administrateur d'office", "Se déconnecter"):
        assert str(escape(english(msgid))) in html, msgid
    assert english("%(num)d agent", 1) % {"num": 1} in html
    for french in ("Nouvel agent", "Importer un CSV", "Filtrer", "Saisonnier", "Se déconnecter"):
        assert french not in html

    elsewhere = app.test_client()  # a new browser: the choice was stored on the account
    login(elsewhere, admin_email)
    assert '<html lang="en">' in _page(elsewhere, "/office/agents")


@pytest.mark.usefixtures("fresh_catalogue")
def test_dates_are_french_by_default_and_english_after_switching(client, seed):
    with seed() as make:
        email = make.agent(seasonal=True, contract_start=date(2026, 11, 22),
                           contract_end=date(2027, 3, 1)).email
    login(client, email)
    html = _page(client, "/me")
    assert "22 novembre 2026" in html and "1er mars 2027" in html

    _switch(client, "en", "/me")
    html = _page(client, "/me")
    assert "22 November 2026" in html and "1 March 2027" in html
    assert "novembre" not in html


def test_datetime_filter_is_french_by_default(app):
    with app.test_request_context("/"):
        shown = render_template_string("{{ when|datetime }}", when=datetime(2026, 11, 22, 13, 30))
    assert shown == "22 nov. 2026 à 14:30"  # stored in UTC, shown in Paris time


def test_datetime_filter_has_no_french_word_in_english(app):
    with app.test_request_context("/"):
        session["locale"] = "en"
        shown = render_template_string("{{ when|datetime }}", when=datetime(2026, 11, 22, 13, 30))
    assert "22 Nov 2026" in shown and "à" not in shown


def test_the_first_of_the_month_reads_1er_in_french_only(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ d|date('d MMMM') }}", d=date(2026, 4, 1)) == "1er avril"
        assert render_template_string("{{ d|date('EEE d MMM y') }}", d=date(2026, 7, 1)) == "mer. 1er juil. 2026"
        assert render_template_string("{{ d|date }}", d=date(2026, 4, 11)) == "11 avril 2026"
        assert render_template_string("{{ d|date }}", d=date(2026, 4, 21)) == "21 avril 2026"
    with app.test_request_context("/"):
        session["locale"] = "en"
        assert render_template_string("{{ d|date('d MMMM') }}", d=date(2026, 4, 1)) == "1 April"


def test_a_day_starts_with_a_capital_and_keeps_its_month_in_english(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ d|date('EEEE d MMMM y')|first_upper }}", d=date(2026, 12, 4)) == \
            "Vendredi 4 décembre 2026"
    with app.test_request_context("/"):
        session["locale"] = "en"
        assert render_template_string("{{ d|date('EEEE d MMMM y')|first_upper }}", d=date(2026, 12, 4)) == \
            "Friday 4 December 2026"
