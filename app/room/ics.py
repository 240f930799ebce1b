"""The calendar file (RFC 5545) of a room booking: the same shape as the network's sessions (``app.intervision.ics``:
its VTIMEZONE of Brussels, PRODID, the stable UID and SEQUENCE), with the building as LOCATION. It says what the
booking holds: the room, the times, the purpose's category and the PAPSY who approved; nobody else's name."""
from __future__ import annotations

from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from app.clock import now
from app.intervision import ics as network_ics
from app.models import BookingStatus, RoomBooking, User
from app.room import slots

REQUEST, CANCEL = network_ics.REQUEST, network_ics.CANCEL


def booking_file(booking: RoomBooking, decider: User | None, locale: str, method: str | None = None) -> bytes:
    """METHOD:REQUEST for the approval's mail, CANCEL for the cancellation's, none for a download; ``decider`` is
    the PAPSY who approved (the ORGANIZER; the confidant when that account is gone)."""
    calendar = Calendar()
    calendar.add("prodid", network_ics.PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add_component(network_ics.brussels(booking.day.year, booking.day.year))
    with network_ics.in_language(locale):
        calendar.add_component(vevent(booking, decider))
    return calendar.to_ical()


def vevent(booking: RoomBooking, decider: User | None) -> Event:
    cancelled = booking.status == BookingStatus.CANCELLED
    component = Event()
    component.add("uid", booking.uid)
    component.add("sequence", booking.sequence)
    component.add("dtstamp", now())
    component.add("created", booking.requested_at)
    component.add("dtstart", slots.moment(booking.day, booking.start_slot))
    component.add("dtend", slots.moment(booking.day, booking.end_slot))
    title = _("Gesprekslokaal Herman Teirlinckgebouw")
    component.add("summary", _("Geannuleerd: %(title)s", title=title) if cancelled else title)
    component.add("location", slots.PLACE)
    component.add("description", description(booking, decider))
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    component.add("organizer", address(decider or booking.requested_by))
    attendee = address(booking.requested_by)
    attendee.params.update({"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE",
                            "PARTSTAT": "DECLINED" if cancelled else "ACCEPTED"})
    component.add("attendee", attendee)
    return component


def description(booking: RoomBooking, decider: User | None) -> str:
    lines = [_("Gebruik: %(purpose)s", purpose=slots.purpose_label(booking.purpose))]
    if decider is not None:
        lines.append(_("Goedgekeurd door %(name)s (PAPSY).", name=decider.name))
    return "\n".join(lines)


def address(user: User) -> vCalAddress:
    found = vCalAddress(f"mailto:{user.email}")
    found.params["CN"] = vText(" ".join(user.name.split()))
    return found
