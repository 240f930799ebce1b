"""The dispatch port: what the engine, mail and modeling ask of the background workers, once the unit of work commits.

app/ never imports workers/: it knows only this interface. The process that runs the app hands in an implementation
(``create_app(dispatch_factory=...)``, the worker, the `vertrouwd` command): workers/rq_dispatch.py puts the work on
Redis and RQ; tests hand in a recorder. The database stays the truth: a call that never arrives (Redis away, a crash
after the commit) is repaired by the workers' reconciler, so no caller waits for or depends on its success.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from app.config import Settings
from app.db import after_commit


class Dispatch(Protocol):
    """The work a commit leaves for the workers."""

    def timers_changed(self, scheduled: Sequence[tuple[int, datetime]], cancelled: Sequence[int]) -> None:
        """Timer rows were made or moved (id, due time) or cancelled (id): fire the first when due, forget the others."""

    def timers_due_now(self, timer_ids: Sequence[int]) -> None:
        """Fire these timers now (an admin's 'fire now' or retry), whatever their waiting time said."""

    def mail_queued(self, message_id: int) -> None:
        """An outbox row is QUEUED: send it, retrying as the outbox says."""

    def migration_queued(self, run_id: int) -> None:
        """A bulk migration run has instances left to move: work through its next batch."""


DispatchFactory = Callable[[Settings], Dispatch]


class NotConfigured:
    """The dispatcher of a process that was given none: every call fails, and the after-commit hook logs it."""

    def timers_changed(self, scheduled: Sequence[tuple[int, datetime]], cancelled: Sequence[int]) -> None:
        _refuse()

    def timers_due_now(self, timer_ids: Sequence[int]) -> None:
        _refuse()

    def mail_queued(self, message_id: int) -> None:
        _refuse()

    def migration_queued(self, run_id: int) -> None:
        _refuse()


def _refuse() -> None:
    raise RuntimeError("no dispatcher configured for this process (create_app(dispatch_factory=...) sets one)")


_current: Dispatch = NotConfigured()


def configure(dispatch: Dispatch) -> None:
    """Make ``dispatch`` the process's dispatcher."""
    global _current
    _current = dispatch


def current() -> Dispatch:
    return _current


def on_commit(session: Session, call: Callable[[Dispatch], None]) -> None:
    """Hand the process's dispatcher to ``call`` once ``session`` commits (nothing happens on rollback)."""
    after_commit(session, lambda: call(_current))
