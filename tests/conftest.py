"""Shared fixtures: a database per test session (SQLite, or PostgreSQL when DATABASE_URL points at it),
emptied between tests; the app with cheap password hashing; clients logged in as the demo people."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import PROJECT_ROOT, Settings
from app.db import Base, db

IN_CI = os.environ.get("CI") == "true"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
TEST_REDIS_DB = int(os.environ.get("VERTROUWD_TEST_REDIS_DB", "13"))  # tests own this Redis database and flush it


def _pg_server_url() -> str:
    configured = os.environ.get("DATABASE_URL", "")
    return configured if configured.startswith("postgresql") else DEFAULT_PG


def _create_pg_database(server_url: str) -> str:
    """A fresh database on the server of ``server_url``; the configured database itself is never touched."""
    url = make_url(server_url)
    name = f"vertrouwd_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(database_url: str) -> None:
    url = make_url(database_url)
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def _pg_reachable(server_url: str) -> bool:
    try:
        engine = create_engine(make_url(server_url).set(database="postgres"))
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def require_service(available: bool, what: str) -> None:
    """Skip with a message outside CI; fail in CI, where every service must run."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is not reachable, and CI must run these tests")
    pytest.skip(f"{what} is not reachable here; start it to run this test")


def _migrate(database_url: str) -> None:
    from app.setup import upgrade_database

    upgrade_database(database_url)


@pytest.fixture(autouse=True)
def _end_sessions():
    """Every test ends with the thread's session closed, whatever the test did with it."""
    yield
    db.session.remove()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The suite's database: PostgreSQL when DATABASE_URL says so (a fresh database), else SQLite."""
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        url = _create_pg_database(os.environ["DATABASE_URL"])
        _migrate(url)
        yield url
        _drop_pg_database(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        _migrate(url)
        yield url


@pytest.fixture(scope="session")
def pg_database_url() -> str:
    """A fresh, migrated PostgreSQL database for tests that need PostgreSQL itself."""
    server = _pg_server_url()
    require_service(_pg_reachable(server), "PostgreSQL")
    url = _create_pg_database(server)
    _migrate(url)
    yield url
    _drop_pg_database(url)


@pytest.fixture(scope="session")
def redis_url() -> str:
    base = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    return re.sub(r"/\d*$", "", base.rstrip("/")) + f"/{TEST_REDIS_DB}"


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        require_service(False, "Redis")
    client.flushdb()
    yield client
    client.flushdb()


def empty_database(url: str) -> None:
    db.configure(url)
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # A session leaked by a test would make TRUNCATE wait forever: fail fast and say so instead.
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("UPDATE process_model SET current_version_id = NULL"))
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


def make_settings(database_url: str, redis_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, redis_url=redis_url, secret_key="test-secret-key",
                    totp_key="test-totp-key", audit_key="test-audit-key",
                    upload_dir=tmp_path / "uploads", bpmn_dir=PROJECT_ROOT / "bpmn", forms_dir=PROJECT_ROOT / "forms",
                    rq_queue="vertrouwd-test")


# Cheap Argon2id for passwords and sealed keys (every test's demo users get a key pair); production: 3 x 64 MiB.
TEST_CONFIG = {"TESTING": True, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 1}


def build_app(database_url: str, redis_url: str, tmp_path: Path, *, dispatch_factory=None, **config):
    """The app on an emptied database with the models and the demo people; its dispatcher hands work to RQ on the
    test Redis unless ``dispatch_factory`` says otherwise."""
    from app.crypto import recovery
    from app.demo import load_demo
    from app.engine.registry import import_directory
    from workers import connection, rq_dispatch

    empty_database(database_url)
    settings = make_settings(database_url, redis_url, tmp_path)
    connection.configure(settings)  # tests run worker jobs in this process too, whatever the app's dispatcher
    app = create_app(settings, {**TEST_CONFIG, **config}, dispatch_factory=dispatch_factory or rq_dispatch.connect)
    session = db.session()
    import_directory(session, settings.bpmn_dir, settings.forms_dir)
    load_demo(session)
    key_file = tmp_path / f"recovery-key-{uuid.uuid4().hex[:8]}.pem"
    recovery.init(session, key_file)
    app.config["TEST_RECOVERY_KEY_FILE"] = key_file
    session.commit()
    db.session.remove()
    return app


@pytest.fixture
def dispatch_factory():
    """How the test app hands work to the workers: RQ on the test Redis. A test module that looks only at what the
    app asked for overrides this fixture with ``recorder.connect`` (tests/fakes.py)."""
    from workers import rq_dispatch

    return rq_dispatch.connect


@pytest.fixture
def recorder():
    """A dispatcher that records (tests/fakes.py); hand it in by overriding ``dispatch_factory``."""
    from tests.fakes import RecordingDispatch

    return RecordingDispatch()


@pytest.fixture
def app(database_url, redis_url, tmp_path, dispatch_factory):
    application = build_app(database_url, redis_url, tmp_path, dispatch_factory=dispatch_factory)
    yield application
    db.session.remove()


@pytest.fixture
def pg_app(pg_database_url, redis_url, tmp_path, dispatch_factory):
    """The app on PostgreSQL, whatever the suite's database is (for PostgreSQL's own behaviour)."""
    application = build_app(pg_database_url, redis_url, tmp_path, dispatch_factory=dispatch_factory)
    yield application
    db.session.remove()


@pytest.fixture
def session(app):
    """The app's session, outside any request (for arranging and asserting)."""
    with app.app_context():
        session = db.session()
        yield session
        session.rollback()
        session.close()


@pytest.fixture
def store(app):
    """The database session without an app context, for web tests (an outer app context would share
    ``g``, and with it Flask-WTF's cached CSRF token, between requests). Each request ends by removing
    the thread's session, so this object outlives it: close it, or its open transaction would block the
    next test's TRUNCATE on PostgreSQL."""
    session = db.session()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def client(app):
    return app.test_client()
