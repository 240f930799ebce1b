"""Work that must wait until the unit of work commits (scheduling RQ jobs, sending mail)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_KEY = "vertrouwd_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once ``session`` commits; forget it on rollback."""
    session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    for callback in session.info.pop(_KEY, []):
        try:
            callback()
        except Exception:  # the database is the truth; the reconciler repairs what did not go out
            log.exception("after-commit callback failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_callbacks(session: Session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_KEY, None)



@contextmanager
def dropped_at_end(session: Session) -> Iterator[None]:
    """Forget the callbacks registered inside the block: its work is rolled back to a savepoint, so the jobs and mail
    it asked for must not go out when the outer transaction commits (a scenario test, app/modeling/scenarios.py)."""
    before = list(session.info.get(_KEY, []))
    try:
        yield
    finally:
        session.info[_KEY] = before
