"""What the room's pages show, as a few queries per page (never one per day or per booking): the week with its free,
booked and asked half hours; the PAPSY's requests to decide with what they overlap; a confidant's own bookings.

Who booked is shown to PAPSY only (``policy.can_see_who_booked_room``); a confidant sees that a half hour is taken,
and which bookings are their own."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, lazyload

from app.auth import policy
from app.clock import now
from app.models import BookingStatus, Confidant, Entity, RoomBooking, RoomSlot, User
from app.room import slots
from app.room.wording import runs
from app.workdays import is_working_day

OWN_HISTORY = timedelta(days=31)  # a confidant's list keeps last month's bookings


@dataclass(frozen=True)
class Shown:
    """A booking or request as a page shows it: its times, and who asked when the reader may know."""

    booking: RoomBooking
    who: str | None  # "Sofie Claes (OMG)" for a PAPSY, else None
    mine: bool

    @property
    def start(self) -> int:
        return self.booking.start_slot

    @property
    def end(self) -> int:
        return self.booking.end_slot


@dataclass
class Day:
    day: date
    open: bool  # a working day
    free: list[tuple[int, int]] = field(default_factory=list)  # runs still ahead and not booked
    booked: list[Shown] = field(default_factory=list)
    asked: list[Shown] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.day < slots.today()


def week(session: Session, user: User, shown: slots.Week) -> list[Day]:
    """Monday to Friday of ``shown``: per day the free runs, the approved bookings and the open requests."""
    days = {day: Day(day, is_working_day(day)) for day in shown.days}
    rows = session.execute(_with_who(select(RoomBooking)).where(
        RoomBooking.day >= shown.monday, RoomBooking.day <= shown.friday,
        RoomBooking.status.in_((BookingStatus.APPROVED, BookingStatus.REQUESTED)))
        .order_by(RoomBooking.day, RoomBooking.start_slot, RoomBooking.id)).all()
    reveal = policy.can_see_who_booked_room(user)
    for booking, name, code in rows:
        item = Shown(booking, _who(name, code) if reveal else None, booking.requested_by_id == user.id)
        target = days[booking.day]
        (target.booked if booking.status == BookingStatus.APPROVED else target.asked).append(item)
    for row in days.values():
        if row.open:
            held = {slot for item in row.booked for slot in range(item.start, item.end)}
            ahead = range(slots.next_free_slot(row.day), slots.END_SLOT)
            row.free = runs([slot for slot in ahead if slot not in held])
    return list(days.values())


def _with_who(query):
    """``query`` with the asker's name and entity code (outer joins: a former confidant keeps their bookings); the
    asker's account itself is not loaded (with its roles and entities it would cost a query per list)."""
    return query.add_columns(User.name, Entity.code).join(User, User.id == RoomBooking.requested_by_id).outerjoin(
        Confidant, Confidant.user_id == RoomBooking.requested_by_id).outerjoin(
        Entity, Entity.id == Confidant.entity_id).options(lazyload(RoomBooking.requested_by))


def _waiting(query, entity_ids: set[int]):
    """``query`` narrowed to the requests of ``entity_ids``' confidants (or of no confidant any more) that wait for a
    decision and have not begun."""
    today = slots.today()
    return query.where(RoomBooking.status == BookingStatus.REQUESTED,
                       or_(RoomBooking.day > today, and_(RoomBooking.day == today,
                                                         RoomBooking.start_slot >= slots.next_free_slot(today))),
                       or_(Confidant.entity_id.in_(entity_ids), Confidant.id.is_(None)))


def _who(name: str, code: str | None) -> str:
    return f"{name} ({code})" if code else name


@dataclass(frozen=True)
class Pending:
    """A request waiting for the reader's decision, with what it overlaps."""

    booking: RoomBooking
    who: str
    booked: list[tuple[int, int]]  # half hours an approved booking holds: approving it will be refused
    competing: list[Shown]  # other open requests for some of the same half hours


def to_decide(session: Session, user: User) -> list[Pending]:
    """The requests ``user`` decides that have not begun, oldest request first."""
    entity_ids = policy.room_decision_entity_ids(session, user)
    if not entity_ids:
        return []
    rows = session.execute(_waiting(_with_who(select(RoomBooking)), entity_ids)
                           .order_by(RoomBooking.requested_at, RoomBooking.id)).all()
    days = {booking.day for booking, _name, _code in rows}
    held: dict[date, set[int]] = {}
    for day, slot in session.execute(select(RoomSlot.day, RoomSlot.slot).where(RoomSlot.day.in_(days))):
        held.setdefault(day, set()).add(slot)
    asked: dict[date, list[Shown]] = {}
    for other, name, code in session.execute(_with_who(select(RoomBooking)).where(
            RoomBooking.status == BookingStatus.REQUESTED, RoomBooking.day.in_(days))) if days else []:
        asked.setdefault(other.day, []).append(Shown(other, _who(name, code), False))
    return [Pending(booking, _who(name, code),
                    runs([s for s in range(booking.start_slot, booking.end_slot) if s in held.get(booking.day, ())]),
                    [other for other in asked.get(booking.day, []) if other.booking.id != booking.id
                     and other.start < booking.end_slot and other.end > booking.start_slot])
            for booking, name, code in rows]


def count_to_decide(session: Session, user: User) -> int:
    """How many requests wait for ``user``'s decision (the week page's button)."""
    entity_ids = policy.room_decision_entity_ids(session, user)
    if not entity_ids:
        return 0
    waiting = _waiting(select(func.count()).select_from(RoomBooking).outerjoin(
        Confidant, Confidant.user_id == RoomBooking.requested_by_id), entity_ids)
    return session.scalar(waiting) or 0


def own(session: Session, user: User) -> list[RoomBooking]:
    """The user's requests and bookings from last month on, in the order of their days."""
    return list(session.scalars(select(RoomBooking).where(
        RoomBooking.requested_by_id == user.id, RoomBooking.day >= slots.today() - OWN_HISTORY)
        .order_by(RoomBooking.day, RoomBooking.start_slot, RoomBooking.id).options(lazyload(RoomBooking.requested_by))))


def has_begun(booking: RoomBooking) -> bool:
    return slots.moment(booking.day, booking.start_slot) <= now()


STATUS_WORDS = {BookingStatus.REQUESTED: (_l("wacht op een PAPSY"), "soon"),
                BookingStatus.APPROVED: (_l("gereserveerd"), "ok"),
                BookingStatus.DECLINED: (_l("geweigerd"), "danger"),
                BookingStatus.CANCELLED: (_l("geannuleerd"), "neutral")}


def status_words(booking: RoomBooking) -> tuple[str, str]:
    """(words, badge tone) of a booking's state for its confidant; a request nobody decided in time is over."""
    if booking.status == BookingStatus.REQUESTED and has_begun(booking):
        return str(_l("niet beslist, voorbij")), "neutral"
    words, tone = STATUS_WORDS[BookingStatus(booking.status)]
    return str(words), tone
