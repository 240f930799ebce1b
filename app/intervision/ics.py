"""Calendar files (RFC 5545) of the network's sessions, built with the icalendar library.

One VCALENDAR holds the VTIMEZONE of Europe/Brussels (its real daylight-saving changes, generated from the time zone
database for the years the events span) and one VEVENT per event, its times in Brussels with that TZID. A VEVENT keeps
the event's ``uid`` and ``sequence``, so that a calendar updates (or removes) the entry it already holds. The texts
(summary, description) are written in the reader's language and hold only what the event itself holds: its kind,
title or group, place and online link; never who takes part.
"""
from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, datetime
from functools import lru_cache

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from app.clock import now
from app.intervision.events import BRUSSELS
from app.models import EventKind, NetworkEvent

PRODID = "-//Vlaamse overheid//Vertrouwd//NL"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"
TZID = "Europe/Brussels"


def invitation(event: NetworkEvent, attendee_name: str, attendee_email: str, locale: str, method: str) -> bytes:
    """The calendar file a participant's mail carries: METHOD:REQUEST (new or changed) or CANCEL, with the
    participant as ATTENDEE."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"an invitation's method is REQUEST or CANCEL, not {method!r}")
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params.update({"CN": vText(_lines(attendee_name)), "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE",
                            "PARTSTAT": "NEEDS-ACTION" if method == REQUEST else "DECLINED"})
    return build([event], locale, method=method, attendee=attendee)


def publication(events: Iterable[NetworkEvent], locale: str, name: str | None = None) -> bytes:
    """A calendar to subscribe to or to open (the personal feed, one session downloaded): no METHOD, so a calendar
    application adds the events rather than answering an invitation."""
    return build(list(events), locale, name=name)


def build(events: list[NetworkEvent], locale: str, method: str | None = None, attendee: vCalAddress | None = None,
          name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
    if events:
        first = min(event.starts_at for event in events).astimezone(BRUSSELS).year
        last = max(event.ends_at for event in events).astimezone(BRUSSELS).year
        calendar.add_component(brussels(first, last))
    stamp = now()
    with in_language(locale):
        for event in events:
            calendar.add_component(vevent(event, stamp, attendee, cancelled=method == CANCEL))
    return calendar.to_ical()


def vevent(event: NetworkEvent, stamp: datetime, attendee: vCalAddress | None = None,
           cancelled: bool = False) -> Event:
    """One event, STATUS:CANCELLED when it is cancelled or ``cancelled`` (a CANCEL for one participant who no longer
    takes part); the caller has set the language its texts are written in."""
    cancelled = cancelled or event.cancelled_at is not None
    component = Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    component.add("dtstart", event.starts_at.astimezone(BRUSSELS))
    component.add("dtend", event.ends_at.astimezone(BRUSSELS))
    component.add("summary", _lines(summary(event)))
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if event.place:
        component.add("location", _lines(event.place))
    elif event.online_url:
        component.add("location", _lines(event.online_url))
    if event.online_url:
        component.add("url", _lines(event.online_url))
    component.add("description", _lines(description(event)))
    organiser = vCalAddress(f"mailto:{event.organiser.email}")
    organiser.params["CN"] = vText(_lines(event.organiser.name))
    component.add("organizer", organiser)
    if attendee is not None:
        component.add("attendee", attendee)
    return component


def _lines(text: str) -> str:
    """Line breaks as the library escapes them ("\\n"): a lone CR would go out as is, and a calendar program that
    breaks lines at it would read what follows as a property of its own."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def summary(event: NetworkEvent) -> str:
    """What a calendar shows as the entry's title: "Intervisie Groep Noord", "Open intervisie GDPB", a training's
    title; "Geannuleerd: ..." once cancelled (not every calendar shows STATUS:CANCELLED)."""
    title = kind_title(event)
    return _("Geannuleerd: %(title)s", title=title) if event.cancelled_at is not None else title


def kind_title(event: NetworkEvent) -> str:
    if event.kind == EventKind.GROUP_SESSION:
        return _("Intervisie %(group)s", group=event.group.name if event.group else "")
    if event.kind == EventKind.OPEN_GDPB:
        return _("Open intervisie GDPB") + (f": {event.title}" if event.title else "")
    if event.kind == EventKind.OPEN_IDEWE:
        return _("Open intervisie IDEWE") + (f": {event.title}" if event.title else "")
    if event.title:
        return event.title
    return _("Infosessie") if event.kind == EventKind.INFO_SESSION else _("Opleiding")


def description(event: NetworkEvent) -> str:
    """The event's own description, its online link and who organises it."""
    lines = [event.description.strip()] if event.description and event.description.strip() else []
    if event.online_url:
        lines.append(_("Online: %(url)s", url=event.online_url))
    lines.append(_("Georganiseerd door %(name)s (GDPB).", name=event.organiser.name))
    return "\n\n".join(lines)


@lru_cache(maxsize=32)
def _brussels(first_year: int, last_year: int) -> bytes:
    return Timezone.from_tzinfo(BRUSSELS, tzid=TZID, first_date=date(first_year, 1, 1),
                                last_date=date(last_year + 1, 12, 31)).to_ical()


def brussels(first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of Europe/Brussels from a year before ``first_year`` to the end of the year after ``last_year``:
    every change between CET and CEST in that span, from the time zone database (cached: it takes a moment)."""
    return Timezone.from_ical(_brussels(first_year - 1, last_year))


def in_language(locale: str):
    """The texts in ``locale`` (the recipient's), whatever the request's language is."""
    return force_locale(locale) if has_app_context() else nullcontext()
