"""The network's calendar: creating, changing and cancelling a dated session, and who takes part in it.

Every change that participants must hear of raises the event's ``sequence`` and goes out as a calendar
invitation (``invitations.announce``); the ``uid`` never changes, so calendars update the entry they hold.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.engine.errors import InvalidData
from app.models import Confidant, EventKind, EventParticipant, NetworkEvent, ParticipantStatus, User
from app.models.intervision import TAKING_PART

BRUSSELS = ZoneInfo("Europe/Brussels")
UID_DOMAIN = "vertrouwd.vlaanderen.example"
ANNOUNCED_FIELDS = ("title", "description", "starts_at", "ends_at", "place", "online_url")
LAST_YEAR = 2100  # the last year a session can be planned in, as the calendar pages (calendar files end with 9999)


def year_of(moment: datetime) -> int:
    """The calendar year in Brussels: a session at 23:30 UTC on 31 December belongs to the next year."""
    return moment.astimezone(BRUSSELS).year


def create(session: Session, kind: EventKind, organiser: User, starts_at: datetime, ends_at: datetime,
           **fields) -> NetworkEvent:
    check_times(starts_at, ends_at)
    event = NetworkEvent(uid=f"{uuid.uuid4()}@{UID_DOMAIN}", kind=kind, organiser_id=organiser.id,
                         organiser=organiser, starts_at=starts_at, ends_at=ends_at, year=year_of(starts_at),
                         sequence=0, half_days=fields.pop("half_days", 1), **fields)
    session.add(event)
    session.flush()
    return event


def change(session: Session, event: NetworkEvent, **fields) -> bool:
    """Apply ``fields``; True when something participants see changed (the sequence was raised)."""
    check_not_cancelled(event)
    check_times(fields.get("starts_at", event.starts_at), fields.get("ends_at", event.ends_at))
    announced = any(name in ANNOUNCED_FIELDS and getattr(event, name) != value for name, value in fields.items())
    for name, value in fields.items():
        setattr(event, name, value)
    event.year = year_of(event.starts_at)
    event.updated_at = now()
    if announced:
        event.sequence += 1
    session.flush()
    return announced


def cancel(session: Session, event: NetworkEvent) -> None:
    check_not_cancelled(event)
    event.cancelled_at = event.updated_at = now()
    event.sequence += 1
    session.flush()


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise InvalidData({"ends_at": "Het einde moet na het begin liggen."})


def time_of_day(text: str) -> time:
    """A form's "09:30" as a time of day (in Brussels); ValueError for anything else, a time with a UTC offset too
    (it is no time of day in Brussels, and cannot be compared with one)."""
    moment = time.fromisoformat(text)
    if moment.tzinfo is not None:
        raise ValueError("a time of day has no UTC offset")
    return moment


def within_reach(day: date) -> bool:
    """A day a session can be planned on: up to LAST_YEAR (a calendar file of the year 9999 cannot be made)."""
    return day.year <= LAST_YEAR


def check_not_cancelled(event: NetworkEvent) -> None:
    if event.cancelled_at is not None:
        raise InvalidData({}, "Deze sessie is geannuleerd en kan niet meer veranderen.")


def taking_part(session: Session, event: NetworkEvent) -> list[Confidant]:
    """The confidants invited, registered or approved for ``event`` (the ones its invitations go to)."""
    return list(session.scalars(
        select(Confidant).join(EventParticipant, EventParticipant.confidant_id == Confidant.id)
        .where(EventParticipant.event_id == event.id, EventParticipant.status.in_(TAKING_PART))
        .order_by(Confidant.name)))


def participant(session: Session, event: NetworkEvent, confidant: Confidant) -> EventParticipant | None:
    return session.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id,
                                                         EventParticipant.confidant_id == confidant.id))


def is_over(event: NetworkEvent) -> bool:
    return event.ends_at <= now()


__all__ = ["ParticipantStatus", "cancel", "change", "create", "is_over", "participant", "taking_part", "year_of"]
