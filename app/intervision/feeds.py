"""Personal calendar feeds: a secret URL per user that Outlook or a phone subscribes to.

The token is 32 random bytes (URL-safe text of 43 characters); only its SHA-256 is kept, as for API tokens and setup
links, so the table alone opens no feed. Making a new link replaces the old one (it stops working at once);
revoking deletes it. Guessing a token is hopeless (2^256), so the feed needs no login and sets no cookie.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import CalendarFeed, User

TOKEN_BYTES = 32
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
TOUCH_EVERY = timedelta(minutes=5)  # how stale last_used_at may get before a fetch writes it again


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(session: Session, user: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def renew(session: Session, user: User) -> str:
    """A new secret link for ``user`` (the first, or one that replaces the old, which stops working); returns the
    token, which is shown once and never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = feed_of(session, user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        session.add(feed)
    feed.token_hash, feed.created_at, feed.last_used_at = token_hash(token), now(), None
    session.flush()
    return token


def revoke(session: Session, user: User) -> bool:
    """Stop ``user``'s feed; False when there was none."""
    feed = feed_of(session, user)
    if feed is None:
        return False
    session.delete(feed)
    session.flush()
    return True


def owner(session: Session, token: str) -> User | None:
    """The active user whose feed ``token`` opens (and note that it was used), else None."""
    if not TOKEN.fullmatch(token or ""):
        return None
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token)))
    if feed is None or not feed.user.active:
        return None
    if feed.last_used_at is None or feed.last_used_at < now() - TOUCH_EVERY:  # calendars poll: not a write each time
        feed.last_used_at = now()
        session.flush()
    return feed.user
