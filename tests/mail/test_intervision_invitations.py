"""R12's invitations reach a real SMTP server: one mail per participant with the session's calendar file attached
(text/calendar), METHOD:REQUEST for a new or changed session and METHOD:CANCEL for a cancelled one or a participant
who no longer takes part; the same UID every time, the SEQUENCE raised with every change."""
from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.intervision import events
from app.intervision.invitations import announce
from app.models import OutboxMessage, User
from tests.helpers import ADMIN, AWV_CONFIDANT, OMG_CONFIDANT, login, user
from tests.intervision.calendar_data import arrange, at, confidant
from tests.mail.test_outbox import run_worker_once
from tests.mail.test_training_mail_delivery import subject

pytestmark = pytest.mark.redis


@pytest.fixture
def made(session):
    return arrange(session)


def deliver(session, smtp_server, event, emails, cancel=False) -> list:
    """Announce ``event`` to the confidants of ``emails``, commit, and let the worker send; every message received."""
    announce(session, event, [confidant(session, email) for email in emails], cancel=cancel)
    session.commit()
    run_worker_once()
    return smtp_server.handler.messages


def plain_text(message) -> str:
    part = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def calendar_part(message):
    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    return part, Calendar.from_ical(part.get_payload(decode=True))


def only_vevent(calendar):
    [vevent] = calendar.walk("VEVENT")
    return vevent


def test_r12_an_invitation_arrives_with_its_calendar_file(smtp_app, session, smtp_server, redis_client,
                                                          made):
    [mail] = deliver(session, smtp_server, made.north, [OMG_CONFIDANT])
    assert mail["To"] == OMG_CONFIDANT
    assert subject(mail) == "Uitnodiging: Intervisie Groep Noord op 9 mrt. 2027"
    text = plain_text(mail)
    assert "Tijd:      09:00 tot 12:30 (Belgische tijd)" in text and "Herman Teirlinckgebouw, zaal 3" in text
    part, calendar = calendar_part(mail)
    assert part.get_filename() == "uitnodiging.ics" and part.get_param("method") == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    vevent = only_vevent(calendar)
    assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (made.north.uid, 0)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Brussels"
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Brussels" and zone.walk("DAYLIGHT") and zone.walk("STANDARD")
    assert str(vevent["ATTENDEE"]) == f"mailto:{OMG_CONFIDANT}"


def test_r12_a_change_and_then_a_cancellation_update_the_same_entry(smtp_app, session, smtp_server, redis_client,
                                                                    made):
    events.change(session, made.north, starts_at=at(9, 13), ends_at=at(9, 16, 30))
    [changed] = deliver(session, smtp_server, made.north, [OMG_CONFIDANT])
    assert subject(changed).startswith("Gewijzigde uitnodiging: Intervisie Groep Noord")
    _, calendar = calendar_part(changed)
    vevent = only_vevent(calendar)
    assert calendar["METHOD"] == "REQUEST" and (str(vevent["UID"]), vevent["SEQUENCE"]) == (made.north.uid, 1)
    assert vevent.decoded("DTSTART").hour == 13

    events.cancel(session, made.north)
    cancelled = deliver(session, smtp_server, made.north, [OMG_CONFIDANT])[1]
    assert subject(cancelled) == "Geannuleerd: Intervisie Groep Noord op 9 mrt. 2027"
    part, calendar = calendar_part(cancelled)
    vevent = only_vevent(calendar)
    assert part.get_filename() == "annulering.ics" and part.get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
    assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (made.north.uid, 2)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"


def test_r12_a_participant_who_no_longer_takes_part_gets_a_cancel_with_a_raised_sequence(
        smtp_app, session, smtp_server, redis_client, made):
    [mail] = deliver(session, smtp_server, made.open_session, [OMG_CONFIDANT], cancel=True)
    _, calendar = calendar_part(mail)
    vevent = only_vevent(calendar)
    assert calendar["METHOD"] == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 1 and made.open_session.sequence == 1 and made.open_session.cancelled_at is None
    assert "U neemt niet meer deel aan deze sessie." in plain_text(mail)


def test_the_invitation_is_in_the_recipients_language(smtp_app, session, smtp_server, redis_client, made):
    user(session, AWV_CONFIDANT).locale = "en"
    [mail] = deliver(session, smtp_server, made.south, [AWV_CONFIDANT])
    assert subject(mail) == "Invitation: Intervision Groep Zuid on 10 Mar 2027"
    assert "Online:    https://meet.example/zuid" in plain_text(mail)
    _, calendar = calendar_part(mail)
    assert str(only_vevent(calendar)["SUMMARY"]) == "Intervision Groep Zuid"


def test_no_mail_for_an_inactive_account_or_a_confidant_without_one(app, session, made):
    user(session, AWV_CONFIDANT).active = False
    without_account = confidant(session, OMG_CONFIDANT)
    without_account.user_id = None
    session.flush()
    announce(session, made.north, [without_account, confidant(session, AWV_CONFIDANT)])
    assert session.scalars(select(OutboxMessage)).all() == []


def test_the_admin_outbox_names_the_attachment_without_showing_it(app, session, made):
    announce(session, made.north, [confidant(session, OMG_CONFIDANT)])
    message = session.scalar(select(OutboxMessage))
    assert message.attachment_name == "uitnodiging.ics" and message.kind == "session_invitation"
    assert message.attachment_type.startswith("text/calendar; method=REQUEST")
    session.commit()
    client = app.test_client()
    login(client, ADMIN)
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "uitnodiging.ics" in page and "agenda-uitnodiging" in page and "BEGIN:VCALENDAR" not in page
    assert session.scalar(select(User).where(User.email == ADMIN)) is not None
