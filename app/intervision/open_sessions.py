"""Open intervision sessions (R12.2): a confidant who missed (or will miss) a half day of their group goes to an open
session of the GDPB (free, a capacity and a waiting list) or of IDEWE (paid by their entity in prevention units: a
registration is a request that a PAPSY of the entity approves, see ``idewe``).

A PAPSY publishes, changes and cancels them; whoever takes part hears of it by a calendar invitation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.intervision import attendance, events, external, invitations, notices, registrations
from app.models import Confidant, EventKind, EventParticipant, NetworkEvent, ParticipantStatus, User

OPEN_KINDS = (EventKind.OPEN_GDPB, EventKind.OPEN_IDEWE)
FIELDS = ("title", "day", "starts", "ends", "place", "online_url", "capacity", "cost_units")
MAX_CAPACITY, MAX_UNITS = 500, 1000


@dataclass(frozen=True)
class Listed:
    """An open session on the list: places taken, the waiting list's length, requests waiting for a decision."""

    event: NetworkEvent
    taken: int
    waiting: int
    requested: int

    @property
    def places_left(self) -> int | None:
        return None if self.event.capacity is None else max(self.event.capacity - self.taken, 0)


def get(session: Session, user: User, event_id: int) -> NetworkEvent:
    event = session.get(NetworkEvent, event_id)
    if event is None or event.kind not in OPEN_KINDS:
        raise NotFound(_l("Deze sessie bestaat niet."))
    if not policy.may_see_event(session, user, event):
        raise NotAllowed(_l("U mag deze sessie niet zien."))
    return event


def upcoming(session: Session) -> list[Listed]:
    """The open sessions not over and not cancelled, soonest first, with their counts (one query for the counts)."""
    found = list(session.scalars(select(NetworkEvent).where(
        NetworkEvent.kind.in_(OPEN_KINDS), NetworkEvent.cancelled_at.is_(None), NetworkEvent.ends_at > now(),
    ).order_by(NetworkEvent.starts_at, NetworkEvent.id)))
    counts: dict[tuple[int, str], int] = {}
    if found:
        for event_id, status, total in session.execute(
                select(EventParticipant.event_id, EventParticipant.status, func.count())
                .where(EventParticipant.event_id.in_([event.id for event in found]))
                .group_by(EventParticipant.event_id, EventParticipant.status)):
            counts[(event_id, str(status))] = total
    return [Listed(event, counts.get((event.id, taken_status(event)), 0),
                   counts.get((event.id, ParticipantStatus.WAITING.value), 0),
                   counts.get((event.id, ParticipantStatus.REQUESTED.value), 0)) for event in found]


def listed(session: Session, event: NetworkEvent) -> Listed:
    return Listed(event, taken(session, event), len(registrations.waiting_list(session, event)),
                  _count(session, event, ParticipantStatus.REQUESTED))


def taken_status(event: NetworkEvent) -> str:
    return (ParticipantStatus.APPROVED if event.kind == EventKind.OPEN_IDEWE else ParticipantStatus.REGISTERED).value


def taken(session: Session, event: NetworkEvent) -> int:
    return _count(session, event, ParticipantStatus(taken_status(event)))


def _count(session: Session, event: NetworkEvent, status: ParticipantStatus) -> int:
    return session.scalar(select(func.count()).select_from(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.status == status)) or 0


# Publishing, changing, cancelling (a PAPSY).

def publish(session: Session, user: User, kind: object, values: dict) -> NetworkEvent:
    if not policy.can_organise_events(user):
        raise NotAllowed(_l("Alleen een PAPSY publiceert open sessies."))
    try:
        kind = EventKind(kind)
    except ValueError:
        kind = None
    if kind not in OPEN_KINDS:
        raise InvalidData({"kind": str(_l("Kies GDPB of IDEWE."))})
    fields = parse(kind, values)
    if fields["starts_at"] <= now():
        raise InvalidData({"day": str(_l("Kies een moment in de toekomst."))})
    return events.create(session, kind, user, fields.pop("starts_at"), fields.pop("ends_at"), **fields)


def change(session: Session, user: User, event: NetworkEvent, values: dict) -> bool:
    """Apply the form; those taking part get the changed invitation when something they see changed. A session
    that has started no longer changes, nor moves into the past."""
    _may_change(user, event)
    if event.starts_at <= now():
        raise InvalidData({"day": str(_l("Deze sessie is al begonnen of voorbij en verandert niet meer."))})
    fields = parse(EventKind(event.kind), values)
    if fields["starts_at"] <= now():
        raise InvalidData({"day": str(_l("Kies een moment in de toekomst."))})
    if fields["capacity"] is not None and fields["capacity"] < taken(session, event):
        raise InvalidData({"capacity": str(_l("Er zijn al %(count)s plaatsen ingenomen.",
                                              count=taken(session, event)))})
    announced = events.change(session, event, **fields)
    if event.kind == EventKind.OPEN_IDEWE:
        external.follow_session_end(session, event)
    if event.kind == EventKind.OPEN_GDPB:  # a larger capacity lets the waiting list move up
        while (moved := registrations.move_up(session, event)) is not None:
            notices.place_freed(session, event, moved)
    if announced:
        invitations.announce(session, event, events.taking_part(session, event))
    return announced


def cancel(session: Session, user: User, event: NetworkEvent) -> None:
    """Cancel a session that has not started: the cancellation goes to those taking part; IDEWE units spent on it are
    refunded (once held, its units were spent and its certificates count)."""
    from app.intervision import idewe

    _may_change(user, event)
    if event.starts_at <= now():
        raise InvalidData({}, str(_l("Deze sessie is al begonnen of voorbij; annuleren kan niet meer.")))
    confidants = events.taking_part(session, event)
    events.cancel(session, event)
    if event.kind == EventKind.OPEN_IDEWE:
        idewe.refund_all(session, user, event)
    invitations.announce(session, event, confidants, cancel=True)


def takes_attendance(event: NetworkEvent) -> bool:
    """An open GDPB session, not cancelled: its organiser records who attended (IDEWE's count by certificate)."""
    return event.kind == EventKind.OPEN_GDPB and event.cancelled_at is None


def record_attendance(session: Session, user: User, event: NetworkEvent, marks: dict[int, str]) -> None:
    """The organiser's marks after the session (``attendance.record`` checks who and when)."""
    attendance.check_may_record(user, event)
    if not takes_attendance(event) or not events.is_over(event):
        raise InvalidData({}, str(_l("De aanwezigheid wordt geregistreerd na een open sessie van de GDPB.")))
    attendance.record(session, user, event, marks)


def _may_change(user: User, event: NetworkEvent) -> None:
    if not policy.can_change_event(user, event):
        raise NotAllowed(_l("Alleen de PAPSY die deze sessie publiceerde, kan ze wijzigen."))


def parse(kind: EventKind, values: dict) -> dict:
    """The form's text as event fields (times entered in Brussels, kept in UTC); every problem at once."""
    errors: dict[str, str] = {}
    text = {name: str(values.get(name) or "").strip() for name in FIELDS}
    day = _parsed(date.fromisoformat, text["day"], errors, "day", _l("Geef een datum (jjjj-mm-dd)."))
    if day and not events.within_reach(day):
        errors["day"] = str(_l("Kies een datum uiterlijk in %(year)d.", year=events.LAST_YEAR))
    starts = _parsed(events.time_of_day, text["starts"], errors, "starts", _l("Geef een beginuur (uu:mm)."))
    ends = _parsed(events.time_of_day, text["ends"], errors, "ends", _l("Geef een einduur (uu:mm)."))
    if starts and ends and ends <= starts:
        errors["ends"] = str(_l("Het einde moet na het begin liggen."))
    if not text["place"] and not text["online_url"]:
        errors["place"] = str(_l("Geef een plaats of een link om online deel te nemen."))
    if len(text["place"]) > 300 or len(text["title"]) > 200:
        errors["place" if len(text["place"]) > 300 else "title"] = str(_l("Deze tekst is te lang."))
    if text["online_url"] and (not text["online_url"].startswith("https://") or len(text["online_url"]) > 500):
        errors["online_url"] = str(_l("Een link begint met https:// (hoogstens 500 tekens)."))
    capacity = _number(text["capacity"], errors, "capacity", MAX_CAPACITY,
                       required=kind == EventKind.OPEN_GDPB)
    cost = _number(text["cost_units"], errors, "cost_units", MAX_UNITS, required=kind == EventKind.OPEN_IDEWE)
    if errors:
        raise InvalidData(errors)
    local = events.BRUSSELS
    return {"starts_at": datetime.combine(day, starts, local).astimezone(timezone.utc),
            "ends_at": datetime.combine(day, ends, local).astimezone(timezone.utc),
            "title": text["title"] or None, "place": text["place"] or None, "online_url": text["online_url"] or None,
            "capacity": capacity, "cost_units": cost if kind == EventKind.OPEN_IDEWE else None}


def _parsed(parse_text, value: str, errors: dict, name: str, message):
    try:
        return parse_text(value)
    except ValueError:
        errors[name] = str(message)
        return None


def _number(value: str, errors: dict, name: str, maximum: int, required: bool) -> int | None:
    if not value:
        if required:
            errors[name] = str(_l("Geef een aantal."))
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 9) or not 1 <= int(value) <= maximum:
        errors[name] = str(_l("Geef een geheel getal tussen 1 en %(max)s.", max=maximum))
        return None
    return int(value)


def form_values(event: NetworkEvent) -> dict:
    """The event as the form shows it (local day and times)."""
    starts, ends = event.starts_at.astimezone(events.BRUSSELS), event.ends_at.astimezone(events.BRUSSELS)
    return {"title": event.title or "", "day": starts.date().isoformat(), "starts": f"{starts:%H:%M}",
            "ends": f"{ends:%H:%M}", "place": event.place or "", "online_url": event.online_url or "",
            "capacity": event.capacity or "", "cost_units": event.cost_units or ""}


# Registering (a confidant).

def own_confidant(session: Session, user: User) -> Confidant:
    confidant = policy.own_confidant(session, user)
    if confidant is None:
        raise NotAllowed(_l("Alleen een actieve vertrouwenspersoon schrijft zich in."))
    return confidant


def register(session: Session, user: User, event: NetworkEvent) -> EventParticipant:
    """GDPB: a place (and the invitation) or the waiting list. IDEWE: a request for the entity's PAPSY."""
    confidant = own_confidant(session, user)
    if event.kind == EventKind.OPEN_IDEWE:
        from app.intervision import idewe

        return idewe.request(session, event, confidant)
    row = registrations.register(session, event, confidant)
    if row.status == ParticipantStatus.REGISTERED:
        invitations.announce(session, event, [confidant])
    return row


def unregister(session: Session, user: User, event: NetworkEvent) -> EventParticipant | None:
    """Give up a place or a request; the first one waiting moves up and hears of it. Returns who moved up."""
    confidant = own_confidant(session, user)
    if event.kind == EventKind.OPEN_IDEWE:
        from app.intervision import idewe

        idewe.withdraw(session, user, event, confidant)
        return None
    row = events.participant(session, event, confidant)
    had_place = row is not None and row.status == ParticipantStatus.REGISTERED
    moved = registrations.unregister(session, event, confidant)
    if had_place:
        invitations.announce(session, event, [confidant], cancel=True)
    if moved is not None:
        notices.place_freed(session, event, moved)
    return moved


def waiting_place(session: Session, event: NetworkEvent, row: EventParticipant) -> int | None:
    """Where ``row`` stands on the waiting list (1 is next)."""
    ids = [waiting.id for waiting in registrations.waiting_list(session, event)]
    return ids.index(row.id) + 1 if row.id in ids else None
