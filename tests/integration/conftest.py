"""The ``faults`` fixture of the timer fault tests (see tests/integration/fault_support.py)."""
from __future__ import annotations

import pytest

import tests.integration.timer_services as test_services
from app.db import db
from tests.integration.fault_support import Faults
from workers import connection


@pytest.fixture
def faults(pg_app, pg_database_url, redis_url, redis_client, tmp_path, monkeypatch):
    monkeypatch.setenv(test_services.ENV, str(tmp_path))
    settings = connection.settings()
    world = Faults(pg_app, pg_database_url, redis_url, redis_client, tmp_path)
    yield world
    for worker in world.workers:
        worker.stop()
    connection.configure(settings)
    db.session.remove()
