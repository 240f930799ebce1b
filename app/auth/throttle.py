"""Failed logins slow an account down: after a few failures in a row each further attempt for that e-mail address
waits longer (1 s, 2 s, 4 s, ... at most 15 minutes), so a guesser gets nowhere while the owner is only delayed.

Counted per e-mail address, known or not, so the answer does not tell which accounts exist. The count is written
in a transaction of its own: the failed request itself is rolled back (app/db.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import now
from app.db import db
from app.forms.validation import is_clean_text
from app.models import LoginThrottle

FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(days=1)


def _key(email: str | None) -> str | None:
    key = (email or "").strip().lower()[:254]
    return key if key and is_clean_text(key) else None


def delay_after(failures: int) -> timedelta:
    """The wait after ``failures`` failures in a row: none for the first few, then doubling up to MAX_DELAY."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), MAX_DELAY)


def wait_until(email: str | None) -> datetime | None:
    """When the next login attempt for ``email`` is allowed, if that is still to come; else None."""
    key = _key(email)
    if key is None:
        return None
    with Session(db.engine) as session:
        row = session.get(LoginThrottle, key)
        if row is None or row.next_attempt_at is None or row.next_attempt_at <= now():
            return None
        return row.next_attempt_at


def record(email: str | None, succeeded: bool) -> None:
    """Count a failed attempt (and set the next allowed moment), or forget the failures after a success."""
    key = _key(email)
    if key is None:
        return
    try:
        _record(key, succeeded)
    except IntegrityError:  # two first failures at once both inserted: count again on the row that won
        _record(key, succeeded)


def _record(key: str, succeeded: bool) -> None:
    with Session(db.engine) as session, session.begin():
        if succeeded:
            session.execute(delete(LoginThrottle).where(LoginThrottle.email == key))
            return
        # A day without attempts forgets the failures: the table keeps no address for long.
        session.execute(delete(LoginThrottle).where(LoginThrottle.next_attempt_at < now() - FORGET_AFTER))
        row = session.get(LoginThrottle, key, with_for_update=True) or LoginThrottle(email=key, failures=0)
        row.failures += 1
        row.next_attempt_at = now() + delay_after(row.failures)
        session.add(row)
