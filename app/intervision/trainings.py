"""R13: the GDPB's trainings and info sessions. A PAPSY publishes, changes and cancels them; confidants register
(a place, or the waiting list) and unregister (the first one waiting moves up, with a mail); after the event its
organiser records who attended. "At least one day of additional training a year" is a recommendation: shown with
its status, never a condition for anything.

Services flush, the caller commits; every change participants must hear of goes out as a calendar invitation.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.intervision import events, invitations, notices, registrations
from app.intervision.training_form import TrainingDetails
from app.models import Attendance, Confidant, EventKind, EventParticipant, NetworkEvent, ParticipantStatus, User
from app.models.intervision import TRAINING_KINDS

RECOMMENDED_DAYS = Decimal(1)  # R13: at least one day of additional training a year, strongly recommended


@dataclass(frozen=True)
class Listed:
    """A training in a list: the event, its places taken and how many wait."""

    event: NetworkEvent
    taken: int
    waiting: int

    @property
    def places_left(self) -> int | None:
        return None if self.event.capacity is None else max(self.event.capacity - self.taken, 0)


@dataclass(frozen=True)
class Standing:
    """Where a confidant stands for one training: registered, waiting (at ``position``), or neither."""

    status: ParticipantStatus | None
    position: int | None = None
    attendance: Attendance | None = None


# ---- Publishing (a PAPSY) ----

def publish(session: Session, organiser: User, details: TrainingDetails) -> NetworkEvent:
    if not policy.can_organise_events(organiser):
        raise NotAllowed(str(_l("Alleen een PAPSY publiceert vormingen en infosessies.")))
    _check_future(details)
    return events.create(session, details.kind, organiser, **details.fields())


def change(session: Session, user: User, event: NetworkEvent, details: TrainingDetails) -> bool:
    """Apply the form; the participants get the changed invitation when something they see changed, and a larger
    capacity lets those waiting move up. True when the change was announced."""
    _check_organiser(user, event)
    _check_open(event, _l("Deze sessie is voorbij; wijzigen kan niet meer."))
    if details.starts_at != event.starts_at:
        _check_future(details)
    taken = registrations.places_taken(session, event)
    if details.capacity is not None and details.capacity < taken:
        raise InvalidData({"capacity": str(_l("Er zijn al %(num)s inschrijvingen: geef minstens %(num)s plaatsen.",
                                              num=taken))})
    announced = events.change(session, event, **details.fields())
    if announced:
        invitations.announce(session, event, events.taking_part(session, event))
    while (moved := registrations.move_up(session, event)) is not None:
        _tell_moved_up(session, moved)
    return announced


def cancel(session: Session, user: User, event: NetworkEvent) -> None:
    """Cancel the event; everyone with a place gets the calendar's cancellation."""
    _check_organiser(user, event)
    _check_open(event, _l("Deze sessie is voorbij; annuleren kan niet meer."))
    taking_part = events.taking_part(session, event)
    events.cancel(session, event)
    if taking_part:
        invitations.announce(session, event, taking_part, cancel=True)


# ---- Registering (a confidant) ----

def register(session: Session, user: User, event: NetworkEvent) -> EventParticipant:
    """A place (with the invitation) or the waiting list."""
    confidant = _own_confidant(session, user)
    _check_open(event, _l("Deze sessie is voorbij; inschrijven kan niet meer."))
    row = events.participant(session, event, confidant)
    if row is not None and row.status in (ParticipantStatus.REGISTERED, ParticipantStatus.WAITING):
        raise InvalidData({}, str(_l("U bent al ingeschreven (of staat op de wachtlijst) voor deze sessie.")))
    row = registrations.register(session, event, confidant)
    if row.status == ParticipantStatus.REGISTERED:
        invitations.announce(session, event, [confidant])
    return row


def unregister(session: Session, user: User, event: NetworkEvent) -> EventParticipant | None:
    """Give up a place (its calendar entry is cancelled) or a spot on the waiting list; the first one waiting moves
    up, gets a mail and the invitation. Returns who moved up."""
    confidant = _own_confidant(session, user)
    _check_open(event, _l("Deze sessie is voorbij; uitschrijven kan niet meer."))
    row = events.participant(session, event, confidant)
    if row is None or row.status not in (ParticipantStatus.REGISTERED, ParticipantStatus.WAITING):
        raise InvalidData({}, str(_l("U bent niet ingeschreven voor deze sessie.")))
    had_place = row.status == ParticipantStatus.REGISTERED
    moved = registrations.unregister(session, event, confidant)
    if had_place:
        invitations.announce(session, event, [confidant], cancel=True)
    if moved is not None:
        _tell_moved_up(session, moved)
    return moved


def _tell_moved_up(session: Session, participant: EventParticipant) -> None:
    notices.place_freed(session, participant.event, participant, path=f"/trainings/{participant.event_id}")


# ---- Attendance (the organiser, after the event) ----

def record_attendance(session: Session, user: User, event: NetworkEvent,
                      marks: dict[int, Attendance | None]) -> int:
    """Record present / absent / excused (None: not recorded) per participant id; returns how many changed.
    Only the organiser, only once the event is over, only for those who had a place."""
    if not policy.can_record_attendance(user, event):
        raise NotAllowed(str(_l("Alleen wie de sessie organiseert, registreert wie aanwezig was.")))
    if event.cancelled_at is not None:
        raise InvalidData({}, str(_l("Deze sessie is geannuleerd.")))
    if not events.is_over(event):
        raise InvalidData({}, str(_l("De aanwezigheid wordt geregistreerd na de sessie.")))
    rows = {row.id: row for row in registered(session, event)}
    unknown = set(marks) - set(rows)
    if unknown:
        raise InvalidData({}, str(_l("Een van de deelnemers is niet (meer) ingeschreven voor deze sessie.")))
    changed = 0
    for participant_id, attendance in marks.items():
        row = rows[participant_id]
        if row.attendance != attendance:
            row.attendance, changed = attendance, changed + 1
            row.attendance_recorded_at, row.attendance_recorded_by_id = now(), user.id
    session.flush()
    return changed


def registered(session: Session, event: NetworkEvent) -> list[EventParticipant]:
    """Those with a place, by name (the attendance list)."""
    return list(session.scalars(
        select(EventParticipant).join(Confidant, Confidant.id == EventParticipant.confidant_id)
        .where(EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.REGISTERED)
        .order_by(Confidant.name)))


# ---- The recommendation (R13: shown, never enforced) ----

def days_by_confidant(session: Session, year: int, confidant_ids: list[int] | None = None) -> dict[int, Decimal]:
    """confidant id -> days of training attended in ``year`` (present at a training that was not cancelled)."""
    query = (select(EventParticipant.confidant_id, func.sum(NetworkEvent.duration_days))
             .join(NetworkEvent, NetworkEvent.id == EventParticipant.event_id)
             .where(NetworkEvent.year == year, NetworkEvent.kind == EventKind.TRAINING,
                    NetworkEvent.cancelled_at.is_(None), EventParticipant.status == ParticipantStatus.REGISTERED,
                    EventParticipant.attendance == Attendance.PRESENT)
             .group_by(EventParticipant.confidant_id))
    if confidant_ids is not None:
        query = query.where(EventParticipant.confidant_id.in_(confidant_ids))
    return {confidant_id: Decimal(str(total or 0)) for confidant_id, total in session.execute(query)}


def recommendation(session: Session, confidant: Confidant, year: int) -> tuple[Decimal, bool]:
    """(days of training attended in ``year``, whether the recommended day was reached)."""
    days = days_by_confidant(session, year, [confidant.id]).get(confidant.id, Decimal(0))
    return days, days >= RECOMMENDED_DAYS


# ---- Reading ----

def find(session: Session, user: User, event_id: int) -> NetworkEvent:
    """A training or info session ``user`` may see (404 for any other id, 403 for who sees no trainings)."""
    event = session.get(NetworkEvent, event_id)
    if event is None or event.kind not in TRAINING_KINDS:
        raise NotFound(str(_l("Deze vorming bestaat niet.")))
    if not policy.may_see_event(session, user, event):
        raise NotAllowed(str(_l("U hebt geen toegang tot deze vorming.")))
    return event


def upcoming(session: Session) -> list[Listed]:
    """The trainings and info sessions not over and not cancelled, soonest first, with their places."""
    return _listed(session, and_(NetworkEvent.cancelled_at.is_(None), NetworkEvent.ends_at > now()))


def organised_past(session: Session, user: User, limit: int = 20) -> list[Listed]:
    """The organiser's own trainings that are over (to record attendance), latest first."""
    return _listed(session, and_(NetworkEvent.organiser_id == user.id, NetworkEvent.ends_at <= now(),
                                 NetworkEvent.cancelled_at.is_(None)), newest_first=True, limit=limit)


def _listed(session: Session, condition, newest_first: bool = False, limit: int | None = None) -> list[Listed]:
    counted = (select(EventParticipant.event_id,
                      func.sum(case((EventParticipant.status == ParticipantStatus.REGISTERED, 1), else_=0))
                      .label("taken"),
                      func.sum(case((EventParticipant.status == ParticipantStatus.WAITING, 1), else_=0))
                      .label("waiting"))
               .group_by(EventParticipant.event_id).subquery())
    order = NetworkEvent.starts_at.desc() if newest_first else NetworkEvent.starts_at
    query = (select(NetworkEvent, counted.c.taken, counted.c.waiting)
             .outerjoin(counted, counted.c.event_id == NetworkEvent.id)
             .where(NetworkEvent.kind.in_(TRAINING_KINDS), condition).order_by(order, NetworkEvent.id).limit(limit))
    return [Listed(event, int(taken or 0), int(waiting or 0)) for event, taken, waiting in session.execute(query)]


def listed(session: Session, event: NetworkEvent) -> Listed:
    return Listed(event, registrations.places_taken(session, event), len(registrations.waiting_list(session, event)))


def standing(session: Session, event: NetworkEvent, confidant: Confidant | None) -> Standing:
    if confidant is None:
        return Standing(None)
    row = events.participant(session, event, confidant)
    if row is None or row.status not in (ParticipantStatus.REGISTERED, ParticipantStatus.WAITING):
        return Standing(None)
    if row.status == ParticipantStatus.WAITING:
        ids = [waiting.id for waiting in registrations.waiting_list(session, event)]
        return Standing(row.status, ids.index(row.id) + 1)
    return Standing(row.status, attendance=row.attendance)


def statuses(session: Session, confidant: Confidant | None, event_ids: list[int]) -> dict[int, ParticipantStatus]:
    """event id -> the confidant's place (registered or waiting) in each of those events, in one query."""
    if confidant is None or not event_ids:
        return {}
    rows = session.execute(select(EventParticipant.event_id, EventParticipant.status).where(
        EventParticipant.confidant_id == confidant.id, EventParticipant.event_id.in_(event_ids),
        EventParticipant.status.in_((ParticipantStatus.REGISTERED, ParticipantStatus.WAITING))))
    return {event_id: ParticipantStatus(status) for event_id, status in rows}


def own_confidant(session: Session, user: User) -> Confidant | None:
    return policy.own_confidant(session, user)


# ---- Checks ----

def _own_confidant(session: Session, user: User) -> Confidant:
    confidant = policy.own_confidant(session, user)
    if confidant is None:
        raise NotAllowed(str(_l("Alleen een actieve vertrouwenspersoon schrijft zich in.")))
    return confidant


def _check_organiser(user: User, event: NetworkEvent) -> None:
    if not policy.can_change_event(user, event):
        raise NotAllowed(str(_l("Alleen de PAPSY die deze sessie organiseert, kan ze wijzigen of annuleren.")))


def _check_open(event: NetworkEvent, over_message) -> None:
    if event.cancelled_at is not None:
        raise InvalidData({}, str(_l("Deze sessie is geannuleerd.")))
    if events.is_over(event):
        raise InvalidData({}, str(over_message))


def _check_future(details: TrainingDetails) -> None:
    if details.starts_at <= now():
        raise InvalidData({"starts_on": str(_l("Het begin moet in de toekomst liggen."))})
