"""The database out of reach for a moment (PostgreSQL restarting, a network cut): how to tell it from other errors.

A transaction whose connection dropped was rolled back (or, cut off during its commit, kept whole): whoever ran it may
go again once the database answers, and its rows say what is done. A worker's job waits for it (workers/jobs.py);
the web answers "try again" (503, app/web.py).
"""
from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# SQLSTATE classes of a lost server: 08 connection exception; 57P01-57P03 admin or crash shutdown, cannot connect now
_UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")


def database_unreachable(error: BaseException | None) -> bool:
    """Whether ``error`` (or what it wraps, as ProcessFailed wraps a step's failure) says the database connection
    dropped or could not be made, rather than that a statement failed."""
    while error is not None:
        if isinstance(error, DBAPIError):
            if error.connection_invalidated:  # SQLAlchemy saw the connection die under a statement
                return True
            # psycopg: no SQLSTATE at all when no server answered (refused, reset); SQLite's errors carry none
            sqlstate = getattr(error.orig, "sqlstate", "none from this driver")
            return isinstance(error, OperationalError) and (sqlstate is None or sqlstate.startswith(_UNREACHABLE_STATES))
        error = error.__cause__
    return False
