"""The database: SQLAlchemy 2.x engine and session, the declarative base and shared column types, and the unit of
work's after-commit hook.

Services flush; the owner of the unit of work commits once: the request (see ``init_app``),
a worker job or a CLI command. What must wait for that commit (a worker's job, a mail) is handed to
``after_commit`` and runs only when the commit succeeded.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

from flask import Flask
from sqlalchemy import Boolean, ColumnElement, DateTime, MetaData, Select, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite keeps no zone), always returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class in_list_of(ColumnElement[bool]):  # noqa: N801 (used as an SQL function, like in_)
    """``column IN (subquery)``, for a subquery of a few rows (the entities, the confidential versions). PostgreSQL
    gets ``column = ANY(ARRAY(subquery))``: the list is made once and the index seeks each value, where ``IN`` would
    join and so read every entry of the index before it."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("subquery", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement, subquery: Select) -> None:
        self.column, self.subquery = column, subquery


@compiles(in_list_of)
def _in_list_of(element: in_list_of, compiler, **kw) -> str:
    return compiler.process(element.column.in_(element.subquery), **kw)


@compiles(in_list_of, "postgresql")
def _in_list_of_postgresql(element: in_list_of, compiler, **kw) -> str:
    subquery = compiler.process(element.subquery.scalar_subquery(), **kw)  # renders "(SELECT ...)"
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY{subquery})"


class Database:
    """Holds the engine and a thread-scoped session; configured once per process."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session = scoped_session(sessionmaker(expire_on_commit=False))

    def configure(self, url: str) -> None:
        """Point the session at the database at ``url``."""
        if self.engine is not None and str(self.engine.url) == url:
            return
        if self.engine is not None:
            self.session.remove()
            self.engine.dispose()
        self.engine = _make_engine(url)
        self.session.configure(bind=self.engine)

    def init_app(self, app: Flask, url: str) -> None:
        """Configure for the app; commit after a successful request, roll back otherwise."""
        self.configure(url)

        @app.after_request
        def commit_unit_of_work(response):
            if response.status_code < 400:
                self.session.commit()
            else:
                self.session.rollback()
            return response

        @app.teardown_appcontext
        def remove_session(exc: BaseException | None) -> None:
            if exc is not None:
                self.session.rollback()
            self.session.remove()


def _make_engine(url: str) -> Engine:
    """hide_parameters: a database error must never carry form values into logs or error pages."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: consistent after a crash, no fsync per commit
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


db = Database()


def session() -> Session:
    """The current session (request, job or command)."""
    return db.session()


_AFTER_COMMIT = "vertrouwd_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once ``session`` commits; forget it on rollback."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, []):
        try:
            callback()
        except Exception:  # the database is the truth; the reconciler repairs what did not go out
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_commit(session: Session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_AFTER_COMMIT, None)


@contextmanager
def dropped_at_end(session: Session) -> Iterator[None]:
    """Forget the after-commit work registered inside the block: its changes are rolled back to a savepoint, so the
    jobs and mail it asked for must not go out when the outer transaction commits (a scenario test,
    app/modeling/scenarios.py)."""
    before = list(session.info.get(_AFTER_COMMIT, []))
    try:
        yield
    finally:
        session.info[_AFTER_COMMIT] = before
