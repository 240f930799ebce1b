"""``alembic upgrade head`` on a fresh database gives exactly the models' schema (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import app.models  # noqa: F401  (registers every table)
from app.db import Base
from app.setup import upgrade_database


def schema_differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()


def test_sqlite_migrations_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade_database(url)
    assert schema_differences(url) == []
    engine = create_engine(url)
    assert "outbox_message" in inspect(engine).get_table_names()
    engine.dispose()


@pytest.mark.postgres
def test_postgresql_migrations_match_the_models(pg_database_url):
    assert schema_differences(pg_database_url) == []
