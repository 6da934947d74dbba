"""Helpers shared by the tests (not fixtures: those are in the conftest.py files)."""
import functools
import hashlib
import os
import re

from itsdangerous import URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

PASSWORD = "correct-horse-battery"
FAST_HASH_METHOD = "pbkdf2:sha256:1000"  # the tests' light password hash (the app's is scrypt)
FAST_HASH = generate_password_hash(PASSWORD, method=FAST_HASH_METHOD)


def csrf_token(client, url="/login") -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def page_csrf_token(client) -> str:
    """The CSRF token of the current session, from the page `/` leads to (login page or landing page)."""
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the landing page"
    return match.group(1)


def session_csrf_token(client, app) -> str:
    """A CSRF token for the client's session without loading a page, made as Flask-WTF's
    generate_csrf makes one: a raw value kept in the session, signed with the app's key."""
    raw = hashlib.sha1(os.urandom(64)).hexdigest()
    with client.session_transaction() as session:
        session["csrf_token"] = raw
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


def read_qr_codes(image) -> list:
    """The QR codes zxing-cpp reads in a picture (PIL image), as the scanner reads them: QR codes only
    (its BarcodeDetector asks for "qr_code"). Read as every format, a pass on screen once also gave
    a 1D code ("1299") beside its token."""
    import zxingcpp  # only the tests that read codes pay for it

    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def login(client, email, password=PASSWORD):
    """Sign in through the real form (CSRF included); returns the response."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


class FakeSMTP:
    """Stands in for smtplib.SMTP and keeps what would have been sent."""

    sent = []
    fail = False

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        if FakeSMTP.fail:
            raise ConnectionRefusedError("no server")
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append((self.host, message))


def empty_every_table(app) -> None:
    """Every table emptied, children first (the state each test starts from)."""
    from passresot.extensions import db

    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        # One query tells which tables hold rows (a test writes to a few of the 32); DELETE beats
        # TRUNCATE on PostgreSQL for tables this small.
        with db.engine.begin() as connection:
            for index in sorted(connection.execute(_tables_holding_rows(tuple(tables))).scalars()):
                connection.execute(tables[index].delete())


@functools.cache
def _tables_holding_rows(tables: tuple):
    """SELECT the index of each of `tables` that holds a row (plain SQL: built once, nothing to compile)."""
    from sqlalchemy import text

    return text(" UNION ALL ".join(f'SELECT {index} WHERE EXISTS (SELECT 1 FROM "{table.name}")'
                                   for index, table in enumerate(tables)))
