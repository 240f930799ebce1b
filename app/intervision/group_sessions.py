"""The half days of a fixed group (R12.1): its PAPSY plans them (two a year), changes and cancels them; every
member is invited, and hears of each change or cancellation through a calendar invitation.

A third session in a year is allowed: a session can fall through after the attendance was recorded, or a group may
meet once more; the pages show "3 van 2 gepland" so that it is never a surprise. Times are entered in Brussels and
stored in UTC.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData, NotAllowed
from app.intervision import events, groups, invitations
from app.intervision.events import BRUSSELS
from app.models import EventKind, EventParticipant, IntervisionGroup, NetworkEvent, ParticipantStatus, User
from app.models.intervision import REQUIRED_HALF_DAYS

PLACE_LENGTH, URL_LENGTH = 300, 500


@dataclass(frozen=True)
class SessionFields:
    """What a PAPSY enters for a half day, read and checked: the times in UTC."""

    starts_at: datetime
    ends_at: datetime
    place: str | None
    online_url: str | None

    def as_dict(self) -> dict:
        return {"starts_at": self.starts_at, "ends_at": self.ends_at, "place": self.place,
                "online_url": self.online_url}


def read_fields(form: dict) -> SessionFields:
    """The form's day, start and end (HH:MM, Brussels), place and online link; every problem at once."""
    errors: dict[str, str] = {}
    day = _parse(date.fromisoformat, form.get("day"))
    start, end = _parse(events.time_of_day, form.get("start")), _parse(events.time_of_day, form.get("end"))
    place, online = _text(form.get("place")), _text(form.get("online_url"))
    if day is None:
        errors["day"] = _l("Geef de datum (jjjj-mm-dd).")
    elif not events.within_reach(day):
        errors["day"] = _l("Kies een datum uiterlijk in %(year)d.", year=events.LAST_YEAR)
    if start is None:
        errors["start"] = _l("Geef het beginuur (uu:mm).")
    if end is None:
        errors["end"] = _l("Geef het einduur (uu:mm).")
    elif start is not None and end <= start:
        errors["end"] = _l("Het einde moet na het begin liggen.")
    if not place and not online:
        errors["place"] = _l("Geef een plaats, een link om online deel te nemen, of allebei.")
    if place and len(place) > PLACE_LENGTH:
        errors["place"] = _l("Een plaats telt hoogstens %(count)d tekens.", count=PLACE_LENGTH)
    if online and (len(online) > URL_LENGTH or not online.startswith(("https://", "http://"))):
        errors["online_url"] = _l("Geef een volledige link die met https:// begint.")
    if errors:
        raise InvalidData(errors)
    return SessionFields(_utc(day, start), _utc(day, end), place, online)


def plan(session: Session, actor: User, group: IntervisionGroup, fields: SessionFields) -> NetworkEvent:
    """A new half day of ``group``, each current member invited."""
    _check_leader(actor, group)
    if group.archived_at is not None:
        raise InvalidData({}, _l("De groep %(group)s is gearchiveerd.", group=group.name))
    _check_future(fields)
    _check_free(session, group, fields)
    event = events.create(session, EventKind.GROUP_SESSION, group.leader, fields.starts_at, fields.ends_at,
                          group_id=group.id, group=group, title=str(_l("Intervisie %(group)s", group=group.name)),
                          place=fields.place, online_url=fields.online_url, half_days=1)
    members = [membership.confidant for membership in groups.current_members(session, group)]
    for confidant in members:
        session.add(EventParticipant(event_id=event.id, event=event, confidant_id=confidant.id, confidant=confidant,
                                     status=ParticipantStatus.INVITED, registered_at=now()))
    session.flush()
    if members:
        invitations.announce(session, event, members)
    return event


def change(session: Session, actor: User, event: NetworkEvent, fields: SessionFields) -> bool:
    """New times or place; those taking part get the updated invitation when something they see changed."""
    group = _group_of(event)
    _check_leader(actor, group)
    if event.starts_at <= now():
        raise InvalidData({}, _l("Deze sessie is al begonnen of voorbij en verandert niet meer."))
    _check_future(fields)
    _check_free(session, group, fields, event)
    announced = events.change(session, event, **fields.as_dict())
    if announced:
        taking_part = events.taking_part(session, event)
        if taking_part:
            invitations.announce(session, event, taking_part)
    return announced


def cancel(session: Session, actor: User, event: NetworkEvent) -> None:
    """Cancel a session that has not started; those taking part get the cancellation."""
    group = _group_of(event)
    _check_leader(actor, group)
    if event.starts_at <= now():
        raise InvalidData({}, _l("Deze sessie is al begonnen of voorbij; annuleren kan niet meer."))
    events.cancel(session, event)
    taking_part = events.taking_part(session, event)
    if taking_part:
        invitations.announce(session, event, taking_part, cancel=True)


def sessions_of(session: Session, group: IntervisionGroup, year: int) -> list[NetworkEvent]:
    """The group's sessions of ``year`` (cancelled ones too: the page says so), in time order."""
    return list(session.scalars(select(NetworkEvent).where(
        NetworkEvent.group_id == group.id, NetworkEvent.kind == EventKind.GROUP_SESSION, NetworkEvent.year == year)
        .order_by(NetworkEvent.starts_at)))


def planned_counts(session: Session, year: int) -> dict[int, int]:
    """group id -> half days planned in ``year`` (not cancelled)."""
    return dict(session.execute(
        select(NetworkEvent.group_id, func.coalesce(func.sum(NetworkEvent.half_days), 0))
        .where(NetworkEvent.kind == EventKind.GROUP_SESSION, NetworkEvent.year == year,
               NetworkEvent.cancelled_at.is_(None)).group_by(NetworkEvent.group_id)).all())


def planned_label(planned: int) -> str:
    """"1 van 2 gepland"; more than the 2 half days is said as such."""
    if planned > REQUIRED_HALF_DAYS:
        return str(_l("%(planned)d van %(required)d gepland (meer dan nodig)", planned=planned,
                      required=REQUIRED_HALF_DAYS))
    return str(_l("%(planned)d van %(required)d gepland", planned=planned, required=REQUIRED_HALF_DAYS))


def this_year() -> int:
    return events.year_of(now())


def _group_of(event: NetworkEvent) -> IntervisionGroup:
    if event.kind != EventKind.GROUP_SESSION or event.group is None:
        raise InvalidData({}, _l("Dit is geen sessie van een intervisiegroep."))
    return event.group


def _check_leader(actor: User, group: IntervisionGroup) -> None:
    if not policy.can_lead(actor, group):
        raise NotAllowed(_l("Enkel de PAPSY die de groep begeleidt, plant en wijzigt haar sessies."))


def _check_future(fields: SessionFields) -> None:
    if fields.starts_at <= now():
        raise InvalidData({"day": _l("Plan een sessie in de toekomst.")})


def _check_free(session: Session, group: IntervisionGroup, fields: SessionFields,
                changed: NetworkEvent | None = None) -> None:
    """A group meets once at a time: a second click on "Plannen" would otherwise plan (and announce) the half day
    twice. The group's row is locked first (PostgreSQL), so two clicks at once are counted one after the other."""
    session.execute(select(IntervisionGroup.id).where(IntervisionGroup.id == group.id).with_for_update())
    query = select(NetworkEvent.id).where(
        NetworkEvent.group_id == group.id, NetworkEvent.kind == EventKind.GROUP_SESSION,
        NetworkEvent.cancelled_at.is_(None), NetworkEvent.starts_at < fields.ends_at,
        NetworkEvent.ends_at > fields.starts_at)
    if changed is not None:
        query = query.where(NetworkEvent.id != changed.id)
    if session.scalar(query.limit(1)) is not None:
        raise InvalidData({"day": _l("De groep heeft op dat moment al een sessie.")})


def _utc(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, BRUSSELS).astimezone(timezone.utc)


def _parse(parser, value):
    try:
        return parser(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None


def _text(value) -> str | None:
    text = " ".join(str(value or "").split())
    return text or None
