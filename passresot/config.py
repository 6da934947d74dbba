"""Settings read from the environment, with safe defaults."""
import os
import secrets


def _instance_secret(instance_path: str) -> str:
    """Return the secret key kept in instance/, creating it on first start."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        # gunicorn workers start together: write aside, then link into place (atomic, and refused
        # if another worker got there first), so none reads a half-written key or keeps its own.
        os.makedirs(instance_path, exist_ok=True)
        temporary = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    with open(path, encoding="utf-8") as handle:
        return handle.read().strip()


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "passresot.db")
    # psycopg 3 is the driver; accept the plain scheme hosting providers give.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_config(instance_path: str) -> dict:
    """Build the configuration mapping from the environment."""
    env = os.environ.get
    return {
        "SECRET_KEY": env("SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "") == "1",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "fr",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
        "LANGUAGES": ("fr", "en"),
        "PUBLIC_BASE_URL": env("PUBLIC_BASE_URL", "").rstrip("/"),
        "SMTP_HOST": env("SMTP_HOST", ""),
        "SMTP_PORT": int(env("SMTP_PORT", "587")),
        "SMTP_USER": env("SMTP_USER", ""),
        "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": env("SMTP_STARTTLS", "1") == "1",
        "MAIL_FROM": env("MAIL_FROM", "PassResOT66 <no-reply@passresot66.fr>"),
        "NETWORK_CONTACT_EMAIL": env("NETWORK_CONTACT_EMAIL", "contact@resot66.fr"),
        "NETWORK_CONTACT_PHONE": env("NETWORK_CONTACT_PHONE", "04 68 00 00 00"),
        "DEMO_PASSWORD": env("DEMO_PASSWORD", "demo-passresot66"),
        "TRUST_PROXY": env("TRUST_PROXY", "") == "1",
        "REDIS_URL": env("REDIS_URL", ""),
        #: Directory of the pass-signing keys (default instance/keys); the same for every host.
        "PASS_KEYS_DIR": env("PASS_KEYS_DIR", ""),
        # Requests per caller and window ("COUNT/SECONDS"), shared by every worker.
        "SCANS_RATE_LIMIT": env("SCANS_RATE_LIMIT", "120/60"),
        # Scans are counted by item too: a batch of 100 counts 100 (issue 14: one token could post
        # 120 × 500 scans a minute). 600 a minute is a scan every 0.1 s, far above any entrance.
        "SCAN_ITEMS_RATE_LIMIT": env("SCAN_ITEMS_RATE_LIMIT", "600/60"),
        # Typed pass numbers whose holder the answer may name, per account: past it the scan is
        # judged and recorded as usual but without the name and photo, so typing numbers one after
        # another cannot page through the network's staff (a camera that fails sends a few).
        "TYPED_IDENTITY_RATE_LIMIT": env("TYPED_IDENTITY_RATE_LIMIT", "30/3600"),
        # Dysfunction reports an agent may send (each reaches the network in its next digest).
        "REPORTS_RATE_LIMIT": env("REPORTS_RATE_LIMIT", "20/3600"),
        # Device syncs running at once on this host (ratelimit/slots.py); empty: the cores less one.
        "WORK_SLOTS": env("WORK_SLOTS", ""),
        # How often a scanner with scans waiting tries to send them, besides `online` and page views.
        "SCANNER_FLUSH_EVERY_MS": int(env("SCANNER_FLUSH_EVERY_MS", "30000")),
        # How long the scanner waits for the server's verdict before giving its own (DESIGN.md §3).
        "SCANNER_ASK_TIMEOUT_MS": int(env("SCANNER_ASK_TIMEOUT_MS", "1500")),
        #: Seconds of photo re-encoding one request does for photos in bulk (agents/photo_batch.py).
        "PHOTO_PREPARE_SECONDS": float(env("PHOTO_PREPARE_SECONDS", "15")),
        #: Days without sync after which the scanner's own verdicts become "à vérifier" (0: never).
        "SCANNER_VERIFY_AFTER_DAYS": int(env("SCANNER_VERIFY_AFTER_DAYS", "0") or 0),
        "SIGN_IN_RATE_LIMIT": env("SIGN_IN_RATE_LIMIT", "30/60"),
        #: The public certificate check, per address: enough for an auditor, not for guessing serials.
        "VERIFY_RATE_LIMIT": env("VERIFY_RATE_LIMIT", "60/60"),
        #: werkzeug's method for password and PIN hashes (the tests' database sets a light one).
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_WINDOW_SECONDS": 15 * 60,
        "SETUP_LINK_DAYS": 7,
        #: Months after an agent's last pass ended before their photo and identity are erased.
        "RETENTION_MONTHS": env("PASSRESOT_RETENTION_MONTHS", "12"),
    }
