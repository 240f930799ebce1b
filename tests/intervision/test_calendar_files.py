"""The calendar files (RFC 5545) parsed back with icalendar: a stable UID, the SEQUENCE raised by every change, times
in Europe/Brussels with its VTIMEZONE, METHOD:REQUEST for an invitation and METHOD:CANCEL for a cancellation."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from app.intervision import events, ics
from tests.intervision.calendar_data import BRUSSELS, arrange, at


@pytest.fixture
def made(session):
    return arrange(session)


def parse(data: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def invitation(event, method=ics.REQUEST, locale="nl") -> bytes:
    return ics.invitation(event, "Sofie Claes", "sofie.claes@omgeving.vlaanderen.example", locale, method)


def test_r12_a_new_session_is_an_invitation_with_its_uid_sequence_and_brussels_time(made):
    calendar, vevent = parse(invitation(made.north))
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0" and "Vertrouwd" in calendar["PRODID"]
    assert str(vevent["UID"]) == made.north.uid and vevent["SEQUENCE"] == 0
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels" and vevent["DTEND"].params["TZID"] == "Europe/Brussels"
    assert vevent.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 3, 9, 9, 0)
    assert vevent.decoded("DTEND").replace(tzinfo=None) == datetime(2027, 3, 9, 12, 30)
    assert str(vevent["SUMMARY"]) == "Intervisie Groep Noord" and str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["LOCATION"]) == "Herman Teirlinckgebouw, zaal 3"
    assert str(vevent["ORGANIZER"]) == "mailto:luc.vandenbroeck@gdpb.vlaanderen.example"
    assert vevent["ORGANIZER"].params["CN"] == "Luc Van den Broeck"
    assert str(vevent["ATTENDEE"]) == "mailto:sofie.claes@omgeving.vlaanderen.example"
    assert vevent["ATTENDEE"].params["CN"] == "Sofie Claes"


def test_the_vtimezone_has_the_real_daylight_saving_changes_of_brussels(made):
    calendar, vevent = parse(invitation(made.north))
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Brussels"
    assert {part.decoded("TZOFFSETTO") for part in zone.walk("DAYLIGHT")} == {timedelta(hours=2)}
    assert {part.decoded("TZOFFSETTO") for part in zone.walk("STANDARD")} == {timedelta(hours=1)}
    tz = zone.to_tz()
    # 9 March 2027 is winter time (UTC+1); 1 July is summer time (UTC+2); both as the time zone database says.
    for moment in (datetime(2027, 3, 9, 8, 0, tzinfo=UTC), datetime(2027, 7, 1, 8, 0, tzinfo=UTC),
                   datetime(2027, 3, 28, 0, 59, tzinfo=UTC), datetime(2027, 3, 28, 1, 1, tzinfo=UTC),
                   datetime(2027, 10, 31, 0, 59, tzinfo=UTC), datetime(2027, 10, 31, 1, 1, tzinfo=UTC)):
        assert moment.astimezone(tz).utcoffset() == moment.astimezone(BRUSSELS).utcoffset(), moment


def test_r12_a_changed_session_keeps_its_uid_with_a_higher_sequence(session, made):
    uid = made.north.uid
    assert events.change(session, made.north, starts_at=at(9, 13, 30), ends_at=at(9, 17))
    calendar, vevent = parse(invitation(made.north))
    assert calendar["METHOD"] == "REQUEST"
    assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (uid, 1)
    assert vevent.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 3, 9, 13, 30)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"


def test_r12_a_cancelled_session_is_a_cancel_with_a_higher_sequence(session, made):
    events.change(session, made.north, place="Zaal 5")
    events.cancel(session, made.north)
    calendar, vevent = parse(invitation(made.north, ics.CANCEL))
    assert calendar["METHOD"] == "CANCEL"
    assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (made.north.uid, 2)
    assert str(vevent["STATUS"]) == "CANCELLED" and str(vevent["SUMMARY"]) == "Geannuleerd: Intervisie Groep Noord"
    assert calendar.walk("VTIMEZONE")


def test_the_texts_are_in_the_recipients_language(made):
    _, vevent = parse(invitation(made.north, locale="en"))
    assert str(vevent["SUMMARY"]) == "Intervision Groep Noord"
    assert "Organised by Luc Van den Broeck" in str(vevent["DESCRIPTION"])
    _, vevent = parse(invitation(made.south, locale="nl"))
    assert str(vevent["URL"]) == "https://meet.example/zuid" and str(vevent["LOCATION"]) == "https://meet.example/zuid"
    assert "Online: https://meet.example/zuid" in str(vevent["DESCRIPTION"])


def test_r13_a_training_is_called_by_its_title_and_spans_its_days(made):
    calendar, vevent = parse(ics.publication([made.training], "nl"))
    assert "METHOD" not in calendar and "ATTENDEE" not in vevent
    assert str(vevent["SUMMARY"]) == "Omgaan met agressie"
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(days=1, hours=7)


def test_an_invitation_has_no_other_method():
    with pytest.raises(ValueError):
        ics.invitation(None, "x", "x@example.org", "nl", ics.PUBLISH)
