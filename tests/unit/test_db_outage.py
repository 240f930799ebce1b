"""Which database errors mean "out of reach, go again" (app/db_outage.py), and which stay failures."""
from __future__ import annotations

import sqlite3

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from app.db_outage import database_unreachable
from app.engine.errors import ProcessFailed


def refused() -> OperationalError:
    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/vertrouwd")  # nothing listens on port 1
    try:
        with pytest.raises(OperationalError) as caught:
            engine.connect().execute(text("SELECT 1"))
    finally:
        engine.dispose()
    return caught.value


def wrapped(orig: Exception) -> OperationalError:
    return OperationalError("UPDATE timer ...", {}, orig)


def test_a_refused_connection_and_a_server_shutting_down_are_out_of_reach():
    assert database_unreachable(refused())
    assert database_unreachable(wrapped(psycopg.errors.AdminShutdown("terminating connection")))
    assert database_unreachable(wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")))


def test_a_lost_connection_under_a_step_counts_too():
    failed = ProcessFailed("Het proces liep vast.")
    failed.__cause__ = refused()
    assert database_unreachable(failed)


def test_failing_statements_are_no_outage():
    assert not database_unreachable(wrapped(psycopg.errors.LockNotAvailable("could not obtain lock")))
    assert not database_unreachable(wrapped(sqlite3.OperationalError("database is locked")))
    assert not database_unreachable(ValueError("no database at all"))
    assert not database_unreachable(None)
