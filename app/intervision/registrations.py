"""Places in an event with a capacity (an open GDPB session, a training, an info session): registering takes a
place or a spot on the waiting list; unregistering frees the place for the first one waiting, who moves up."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import now
from app.engine.errors import InvalidData
from app.intervision import events
from app.models import Confidant, EventParticipant, NetworkEvent, ParticipantStatus


def register(session: Session, event: NetworkEvent, confidant: Confidant) -> EventParticipant:
    """A place when one is left, else the waiting list. Refused for a cancelled or past event and for someone
    registered or waiting already."""
    events.check_not_cancelled(event)
    if events.is_over(event):
        raise InvalidData({}, "Deze sessie is voorbij; inschrijven kan niet meer.")
    lock(session, event)
    row = events.participant(session, event, confidant)
    if row is not None and row.status != ParticipantStatus.CANCELLED:
        raise InvalidData({}, "U bent al ingeschreven (of staat op de wachtlijst) voor deze sessie.")
    status = ParticipantStatus.REGISTERED if has_place(session, event) else ParticipantStatus.WAITING
    if row is None:
        row = EventParticipant(event_id=event.id, confidant_id=confidant.id, event=event, confidant=confidant)
        session.add(row)
    row.status, row.registered_at, row.attendance = status, now(), None
    session.flush()
    return row


def unregister(session: Session, event: NetworkEvent, confidant: Confidant) -> EventParticipant | None:
    """Give up a place (or a spot on the waiting list); returns the participant who moved up into the place, if any."""
    row = events.participant(session, event, confidant)
    if row is None or row.status not in (ParticipantStatus.REGISTERED, ParticipantStatus.WAITING):
        raise InvalidData({}, "U bent niet ingeschreven voor deze sessie.")
    if events.is_over(event):
        raise InvalidData({}, "Deze sessie is voorbij; uitschrijven kan niet meer.")
    freed = row.status == ParticipantStatus.REGISTERED
    row.status = ParticipantStatus.CANCELLED
    session.flush()
    return move_up(session, event) if freed else None


def move_up(session: Session, event: NetworkEvent) -> EventParticipant | None:
    """The first one on the waiting list takes a free place."""
    lock(session, event)
    if not has_place(session, event):
        return None
    first = session.scalar(select(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.WAITING,
    ).order_by(EventParticipant.registered_at, EventParticipant.id).limit(1).with_for_update(of=EventParticipant))
    if first is not None:
        first.status = ParticipantStatus.REGISTERED
        session.flush()
    return first


def lock(session: Session, event: NetworkEvent) -> None:
    """The event's row, locked until the transaction ends (PostgreSQL): two people taking the last place at once
    queue, and the second counts the first's place (SQLite lets one writer at a time)."""
    session.execute(select(NetworkEvent.id).where(NetworkEvent.id == event.id).with_for_update())


def places_taken(session: Session, event: NetworkEvent) -> int:
    return session.scalar(select(func.count()).select_from(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.REGISTERED)) or 0


def has_place(session: Session, event: NetworkEvent) -> bool:
    return event.capacity is None or places_taken(session, event) < event.capacity


def waiting_list(session: Session, event: NetworkEvent) -> list[EventParticipant]:
    return list(session.scalars(select(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.WAITING,
    ).order_by(EventParticipant.registered_at, EventParticipant.id)))
