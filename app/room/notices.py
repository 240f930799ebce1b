"""The room's mails, through the outbox: a new request to the PAPSY who decide it; the decision to the confidant
(an approval with the calendar file, METHOD:REQUEST); a cancelled booking to the confidant (METHOD:CANCEL, a higher
SEQUENCE) and to the PAPSY who approved it. They say what the booking holds: day, times, the purpose's category,
the confidant's name and entity for the PAPSY; never anything about a requester or a case."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.intervision.ics import in_language
from app.mail.outbox import Attachment, locale_of, queue_mail
from app.mail.render import one_line
from app.models import Confidant, Role, RoomBooking, User, UserRole, papsy_assignment
from app.room import ics, slots
from app.room.wording import span, written_day

REQUESTED, APPROVED, DECLINED = "room_requested", "room_approved", "room_declined"
CANCELLED, FREED = "room_cancelled", "room_freed"
FILE_NAMES = {APPROVED: "reservering.ics", CANCELLED: "annulering.ics"}


def requested(session: Session, booking: RoomBooking, confidant: Confidant) -> None:
    for papsy in deciders(session, confidant.entity_id):
        fields = {**when(booking, locale_of(papsy)), "name": one_line(confidant.name),
                  "entity": one_line(confidant.entity.name)}
        queue_mail(session, papsy.email, REQUESTED, REQUESTED, fields, locale=locale_of(papsy))


def deciders(session: Session, entity_id: int) -> list[User]:
    """The active PAPSY who decide a request of ``entity_id``'s confidants (``policy.can_decide_room_booking``)."""
    query = select(User).join(UserRole, UserRole.user_id == User.id).where(
        User.active.is_(True), UserRole.role == Role.PAPSY.value).order_by(User.id)
    if entity_id not in policy.entities_without_papsy(session):
        query = query.join(papsy_assignment, papsy_assignment.c.user_id == User.id).where(
            papsy_assignment.c.entity_id == entity_id)
    return list(session.scalars(query))


def approved(session: Session, booking: RoomBooking) -> None:
    _to_confidant(session, booking, APPROVED, ics.REQUEST)


def declined(session: Session, booking: RoomBooking) -> None:
    _to_confidant(session, booking, DECLINED, reason=one_line(booking.decline_reason or "", 500))


def cancelled(session: Session, booking: RoomBooking) -> None:
    """The confidant's calendar entry removed; the PAPSY who approved it hears the room is free again."""
    _to_confidant(session, booking, CANCELLED, ics.CANCEL)
    papsy = session.get(User, booking.decided_by_id) if booking.decided_by_id else None
    if papsy is not None and papsy.active:
        fields = {**when(booking, locale_of(papsy)), "name": one_line(booking.requested_by.name)}
        queue_mail(session, papsy.email, FREED, FREED, fields, locale=locale_of(papsy))


def _to_confidant(session: Session, booking: RoomBooking, template: str, method: str | None = None,
                  **extra) -> None:
    user = booking.requested_by
    if not user.active:
        return
    locale = locale_of(user)
    attachment = None
    if method is not None:
        decider = session.get(User, booking.decided_by_id) if booking.decided_by_id else None
        body = ics.booking_file(booking, decider, locale, method).decode("utf-8")
        attachment = Attachment(FILE_NAMES[template], f"text/calendar; method={method}; charset=utf-8", body)
    queue_mail(session, user.email, template, template, {**when(booking, locale), **extra}, locale=locale,
               attachment=attachment)


def when(booking: RoomBooking, locale: str) -> dict:
    """The fields every room mail shows, in ``locale``: the day, the times, the purpose, the week's page."""
    with in_language(locale):
        purpose = slots.purpose_label(booking.purpose)
    return {"date": written_day(booking.day, locale), "times": span(booking.start_slot, booking.end_slot),
            "purpose": one_line(purpose), "place": slots.PLACE, "week": booking.day.isoformat()}
