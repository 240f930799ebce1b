"""Asking for the room, deciding and cancelling (R17): the rules and the steps of the caller's transaction (flush
only; the request commits, or rolls back on a refusal, so a refused step leaves nothing behind).

An approval inserts one ``RoomSlot`` row per half hour. Their primary key (day, slot) is the guarantee against an
overlap: two PAPSY approving overlapping requests at the same moment both find the half hours free, and the
database refuses the second insert; that PAPSY is told which half hours were taken meanwhile."""
from __future__ import annotations

import uuid
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import Conflict, InvalidData, NotAllowed, NotFound
from app.forms.validation import is_clean_text
from app.intervision.events import UID_DOMAIN
from app.models import BookingStatus, Confidant, RoomBooking, RoomSlot, User
from app.room import notices, slots
from app.room.wording import taken_message

MAX_OPEN = 10  # requests and coming bookings one confidant may hold at once
REASON_LIMIT = 500
OPEN = (BookingStatus.REQUESTED, BookingStatus.APPROVED)


def ask(session: Session, user: User, form) -> RoomBooking:
    """A confidant's request: a day, a time and a purpose from ``form``; nothing else of the form is read or kept."""
    if not policy.can_request_room(session, user):
        raise NotAllowed(str(_l("Alleen een actieve vertrouwenspersoon vraagt het gesprekslokaal aan.")))
    confidant = policy.own_confidant(session, user)
    day, start, end, purpose = parse(form)
    check_free_for(session, user, day, start, end)
    booking = RoomBooking(uid=f"room-{uuid.uuid4()}@{UID_DOMAIN}", sequence=0, requested_by_id=user.id,
                          requested_by=user, day=day, start_slot=start, end_slot=end, purpose=purpose.value,
                          status=BookingStatus.REQUESTED, requested_at=now())
    session.add(booking)
    session.flush()
    notices.requested(session, booking, confidant)
    return booking


def parse(form) -> tuple[date, int, int, slots.Purpose]:
    """(day, start slot, end slot, purpose) from the form's fields; every problem at once, per field."""
    errors: dict[str, str] = {}
    day = _day(form.get("day"), errors)
    start = _slot(form.get("start"), slots.FIRST_SLOT, slots.END_SLOT - 1, "start", errors)
    end = _slot(form.get("end"), slots.FIRST_SLOT + 1, slots.END_SLOT, "end", errors)
    if start is not None and end is not None and end <= start:
        errors["end"] = str(_l("Het einde moet na het begin liggen."))
    if day is not None and start is not None and "day" not in errors and start < slots.next_free_slot(day):
        errors["start"] = str(_l("Dit uur is vandaag al voorbij; kies een later begin."))
    try:
        purpose = slots.Purpose(str(form.get("purpose") or ""))
    except ValueError:
        errors["purpose"] = str(_l("Kies waarvoor u het lokaal gebruikt."))
    if errors:
        raise InvalidData(errors)
    return day, start, end, purpose


def _day(text: object, errors: dict) -> date | None:
    try:
        day = date.fromisoformat(str(text or "").strip())
    except ValueError:
        errors["day"] = str(_l("Kies een dag (JJJJ-MM-DD)."))
        return None
    try:
        slots.check_day(day)
    except InvalidData as exc:
        errors.update(exc.errors)
    return day


def _slot(text: object, lowest: int, highest: int, field: str, errors: dict) -> int | None:
    try:
        slot = slots.slot_of(str(text or ""))
    except ValueError:
        slot = None
    if slot is None or not lowest <= slot <= highest:
        errors[field] = str(_l("Kies een uur tussen %(first)s en %(last)s, op het halve uur.",
                               first=slots.clock_time(lowest), last=slots.clock_time(highest)))
        return None
    return slot


def check_free_for(session: Session, user: User, day: date, start: int, end: int) -> None:
    """A new request must not take a half hour that is booked already, nor overlap the asker's own open request,
    and one confidant holds at most MAX_OPEN open ones."""
    taken = taken_slots(session, day, start, end)
    if taken:
        raise InvalidData({"start": taken_message(day, taken)})
    own = select(RoomBooking.id).where(RoomBooking.requested_by_id == user.id, RoomBooking.status.in_(OPEN))
    if session.scalar(own.where(RoomBooking.day == day, RoomBooking.start_slot < end, RoomBooking.end_slot > start)
                      .limit(1)) is not None:
        raise InvalidData({"start": str(_l("U hebt het lokaal op dat moment al aangevraagd of gereserveerd."))})
    count = select(func.count()).select_from(own.where(RoomBooking.day >= slots.today()).subquery())
    if session.scalar(count) >= MAX_OPEN:
        raise InvalidData({}, str(_l("U hebt al %(max)s aanvragen en reserveringen die nog komen; annuleer er een "
                                     "voor u een nieuwe aanvraagt.", max=MAX_OPEN)))


def taken_slots(session: Session, day: date, start: int, end: int) -> list[int]:
    """The half hours of [start, end) on ``day`` that an approved booking holds."""
    return list(session.scalars(select(RoomSlot.slot).where(RoomSlot.day == day, RoomSlot.slot >= start,
                                                            RoomSlot.slot < end).order_by(RoomSlot.slot)))


def approve(session: Session, user: User, booking_id: int) -> RoomBooking:
    """The room is the confidant's: the half hours are held, the confidant gets the calendar file by mail."""
    booking = to_decide(session, user, booking_id)
    if slots.moment(booking.day, booking.start_slot) <= now():
        raise InvalidData({}, str(_l("Deze aanvraag is al begonnen of voorbij; goedkeuren kan niet meer.")))
    hold_slots(session, booking)
    decide(booking, user, BookingStatus.APPROVED)
    session.flush()
    notices.approved(session, booking)
    return booking


def hold_slots(session: Session, booking: RoomBooking) -> None:
    """One row per half hour of ``booking``; Conflict naming the half hours when another booking holds one."""
    span = range(booking.start_slot, booking.end_slot)
    taken = taken_slots(session, booking.day, booking.start_slot, booking.end_slot)
    if taken:
        raise Conflict(taken_message(booking.day, taken, approving=True))
    try:
        with session.begin_nested():
            session.add_all([RoomSlot(day=booking.day, slot=slot, booking_id=booking.id) for slot in span])
    except IntegrityError:
        # Another approval took a half hour after we looked: its rows are committed now, so we can name them.
        taken = taken_slots(session, booking.day, booking.start_slot, booking.end_slot)
        raise Conflict(taken_message(booking.day, taken or list(span), approving=True)) from None


def decline(session: Session, user: User, booking_id: int, reason: object) -> RoomBooking:
    """Declined with a reason the confidant reads."""
    text = str(reason or "").strip()
    if not 3 <= len(text) <= REASON_LIMIT:
        raise InvalidData({"reason": str(_l("Geef een reden (3 tot %(max)s tekens): de vertrouwenspersoon krijgt "
                                            "ze te zien.", max=REASON_LIMIT))})
    if not is_clean_text(text):  # a NUL byte: PostgreSQL refuses it, SQLite would keep it
        raise InvalidData({"reason": str(_l("Deze tekst bevat tekens die niet toegelaten zijn."))})
    booking = to_decide(session, user, booking_id)
    booking.decline_reason = text
    decide(booking, user, BookingStatus.DECLINED)
    session.flush()
    notices.declined(session, booking)
    return booking


def to_decide(session: Session, user: User, booking_id: int) -> RoomBooking:
    """The request, locked, when ``user`` decides it and it still waits for a decision."""
    booking = locked(session, booking_id)
    if booking is None:
        raise NotFound(str(_l("Deze aanvraag bestaat niet.")))
    if not policy.can_decide_room_booking(session, user, entity_of(session, booking)):
        raise NotAllowed(str(_l("Een PAPSY van de entiteit van de vertrouwenspersoon beslist over deze aanvraag.")))
    if booking.status != BookingStatus.REQUESTED:
        raise InvalidData({}, str(_l("Over deze aanvraag werd al beslist, of ze werd ingetrokken.")))
    return booking


def decide(booking: RoomBooking, user: User, status: BookingStatus) -> None:
    booking.status, booking.decided_by_id, booking.decided_at = status, user.id, now()


def cancel(session: Session, user: User, booking_id: int) -> tuple[RoomBooking, bool]:
    """The confidant withdraws a request or cancels a booking before it begins: its half hours are free again, and
    a booking's calendar entry is removed (a CANCEL with a higher SEQUENCE). True when it was approved."""
    booking = locked(session, booking_id)
    if booking is None or not policy.can_cancel_room_booking(user, booking):
        raise NotFound(str(_l("Deze aanvraag bestaat niet.")))
    if booking.status not in OPEN:
        raise InvalidData({}, str(_l("Deze aanvraag werd al geweigerd of geannuleerd.")))
    if slots.moment(booking.day, booking.start_slot) <= now():
        raise InvalidData({}, str(_l("Deze reservering is al begonnen of voorbij; annuleren kan niet meer.")))
    approved = booking.status == BookingStatus.APPROVED
    if approved:
        session.execute(delete(RoomSlot).where(RoomSlot.booking_id == booking.id))
        booking.sequence += 1
    booking.status, booking.cancelled_at = BookingStatus.CANCELLED, now()
    session.flush()
    if approved:
        notices.cancelled(session, booking)
    return booking, approved


def locked(session: Session, booking_id: int) -> RoomBooking | None:
    """The booking, its row locked and read again: two decisions on one request happen one after the other."""
    return session.scalar(select(RoomBooking).where(RoomBooking.id == booking_id).with_for_update(of=RoomBooking)
                          .execution_options(populate_existing=True))


def entity_of(session: Session, booking: RoomBooking) -> int | None:
    """The entity of the confidant who asked (None when they are no confidant any more)."""
    return session.scalar(select(Confidant.entity_id).where(Confidant.user_id == booking.requested_by_id))
