"""The library's weekly digest (R16): each Monday from 08:00 (Brussels) every active confidant gets one mail with the
documents published for them since the last digest, new ones and new versions, each with its link. Nobody with
nothing new gets a mail.

A digest covers [the previous digest's end, this Monday 08:00): a LibraryDigest row keeps each period, so a period
is never announced twice, whoever runs the job how often; after a week without a run the next digest covers both.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import now
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import one_line
from app.models import (
    Confidant,
    ConfidantStatus,
    LibraryDigest,
    LibraryDocument,
    LibraryFolder,
    LibraryVersion,
    Role,
    User,
    UserRole,
)
from app.periodic import WEEKLY, periodic

LIBRARY_DIGEST = "library_digest"
WEEKDAY, HOUR = 0, 8  # Monday, 08:00 local time
MAX_LISTED = 30  # a longer digest lists these and points to the library for the rest


@dataclass(frozen=True)
class News:
    """One document in a digest: new, or a new version of it (``version`` > 1 and made before the period)."""

    document_id: int
    title: str
    folder: str
    entity_id: int | None
    version: int
    new: bool


@periodic("library.digest", every=WEEKLY, hour=HOUR, weekday=WEEKDAY)
def send_weekly_digest(session: Session, moment: datetime) -> int:
    """Queue this week's digest mails (in the caller's transaction); returns how many."""
    end = period_end(moment, ZoneInfo(current_settings().display_timezone))
    if session.scalar(select(LibraryDigest.id).where(LibraryDigest.period_end >= end).limit(1)) is not None:
        return 0  # this period (or a later one) was announced already
    start = session.scalar(select(func.max(LibraryDigest.period_end))) or end - timedelta(days=7)
    news = published_between(session, start, end)
    mails = 0
    for confidant, user in _active_confidants(session) if news else []:
        items = [item for item in news if item.entity_id in (None, confidant.entity_id)]
        if items:
            _queue_digest(session, user, items)
            mails += 1
    session.add(LibraryDigest(period_start=start, period_end=end, sent_at=now(), mails=mails))
    session.flush()
    return mails


def period_end(moment: datetime, zone: ZoneInfo) -> datetime:
    """The last Monday 08:00 (local) at or before ``moment``, in UTC: where the digest due at ``moment`` ends."""
    local = moment.astimezone(zone)
    end = (local - timedelta(days=(local.weekday() - WEEKDAY) % 7)).replace(hour=HOUR, minute=0, second=0,
                                                                          microsecond=0)
    if end > local:
        end -= timedelta(days=7)
    return end.astimezone(UTC)


def published_between(session: Session, start: datetime, end: datetime) -> list[News]:
    """The current (not archived) documents published, or given a new version, in [start, end); newest first."""
    newest = (select(LibraryVersion.document_id, func.max(LibraryVersion.number).label("number"))
              .group_by(LibraryVersion.document_id).subquery())
    rows = session.execute(
        select(LibraryDocument.id, LibraryDocument.title, LibraryFolder.name, LibraryDocument.entity_id,
               newest.c.number, LibraryDocument.created_at >= start)
        .join(LibraryFolder, LibraryFolder.id == LibraryDocument.folder_id)
        .join(newest, newest.c.document_id == LibraryDocument.id)
        .where(LibraryDocument.published_at >= start, LibraryDocument.published_at < end,
               LibraryDocument.archived_at.is_(None))
        .order_by(LibraryDocument.published_at.desc(), LibraryDocument.id.desc()))
    return [News(row[0], row[1], row[2], row[3], row[4], bool(row[5])) for row in rows]


def _active_confidants(session: Session) -> list[tuple[Confidant, User]]:
    """The confidants on the active list (R14) with an active account."""
    return [tuple(row) for row in session.execute(
        select(Confidant, User).join(User, User.id == Confidant.user_id)
        .where(Confidant.status == ConfidantStatus.ACTIVE, User.active.is_(True),
               User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.CONFIDANT.value)))
        .order_by(Confidant.id))]


def _queue_digest(session: Session, user: User, items: list[News]) -> None:
    listed = [{"title": one_line(item.title), "folder": one_line(item.folder), "version": item.version,
               "new": item.new, "path": f"/library/documents/{item.document_id}"} for item in items[:MAX_LISTED]]
    queue_mail(session, user.email, LIBRARY_DIGEST, LIBRARY_DIGEST,
               {"documents": listed, "count": len(items), "more": max(len(items) - MAX_LISTED, 0)},
               locale=locale_of(user))
