"""R17, the conversation room: approved bookings never overlap (the database's half-hour rows, also when two PAPSY
approve at the same moment on PostgreSQL); a request is a day, a time and a category, nothing else; bad input is
refused field by field and keeps nothing; a decline needs a reason; the approval's calendar file and the
cancellation's; the PAPSY of the confidant's entity decides."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import String, func, select, text
from sqlalchemy.exc import IntegrityError

from app.db import db
from app.engine.errors import Conflict, InvalidData, NotAllowed
from app.intervision.events import BRUSSELS
from app.models import BookingStatus, OutboxMessage, RoomBooking, RoomSlot
from app.room import bookings
from app.workdays import is_working_day
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, csrf_token, login, user
from tests.room.room_data import KOEN, approved, ask, form, working_day

MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=BRUSSELS)  # the clock of the service tests: a Monday at 09:00
TUESDAY = date(2027, 3, 2)
MARK = "Jan Janssens van de dienst Lonen"  # what a confidant must not be able to store in a request


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


def mails(session, kind: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def held(session, day: date) -> list[tuple[int, int]]:
    return session.execute(select(RoomSlot.slot, RoomSlot.booking_id).where(RoomSlot.day == day)
                           .order_by(RoomSlot.slot)).all()


def calendar_event(message: OutboxMessage) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(message.attachment_body)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_r17_approved_bookings_never_overlap(session, clock):
    luc, hilde = user(session, OMG_PAPSY), user(session, AWV_PAPSY)
    sofie = ask(session, OMG_CONFIDANT, TUESDAY, "10:00", "11:00")
    els = ask(session, AWV_CONFIDANT, TUESDAY, "10:30", "12:00")  # both asked while the room was free
    bookings.approve(session, luc, sofie.id)
    with pytest.raises(Conflict) as refused:
        bookings.approve(session, hilde, els.id)
    assert "dinsdag 2 mrt. 2027 van 10:30–11:00" in refused.value.message and "niets bewaard" in refused.value.message
    assert held(session, TUESDAY) == [(20, sofie.id), (21, sofie.id)]
    assert session.get(RoomBooking, els.id).status == BookingStatus.REQUESTED
    with pytest.raises(IntegrityError), session.begin_nested():  # the database itself keeps a half hour single
        session.add(RoomSlot(day=TUESDAY, slot=21, booking_id=els.id))
    with pytest.raises(InvalidData) as asked:  # a new request for a booked half hour says which one
        ask(session, KOEN, TUESDAY, "09:00", "10:30")
    assert "van 10:00–10:30 al gereserveerd" in asked.value.errors["start"]


def test_r17_bad_input_is_refused_field_by_field_and_keeps_nothing(session, clock):
    sofie = user(session, OMG_CONFIDANT)
    cases = [({"day": "2027-03-06"}, "day"), ({"day": "2027-03-29"}, "day"),  # a Saturday, Easter Monday
             ({"day": "2027-02-26"}, "day"), ({"day": "2027-09-02"}, "day"),  # yesterday's week, beyond 6 months
             ({"day": "2 maart"}, "day"), ({"day": ""}, "day"),
             ({"day": "2027-03-01", "start": "09:00", "end": "10:00"}, "start"),  # today, and 09:00 has begun
             ({"start": "07:30"}, "start"), ({"start": "10:15"}, "start"), ({"start": "tien uur"}, "start"),
             ({"end": "18:30"}, "end"), ({"start": "11:00", "end": "10:00"}, "end"), ({"end": "10:00"}, "end"),
             ({"purpose": MARK}, "purpose"), ({"purpose": ""}, "purpose")]
    for change, field in cases:
        with pytest.raises(InvalidData) as refused:
            bookings.ask(session, sofie, {**form(TUESDAY), **change})
        assert set(refused.value.errors) == {field}, change
    assert session.scalar(select(func.count()).select_from(RoomBooking)) == 0 and not mails(session, "room_requested")
    ask(session, OMG_CONFIDANT, TUESDAY, "10:00", "11:00")
    with pytest.raises(InvalidData) as twice:
        ask(session, OMG_CONFIDANT, TUESDAY, "10:30", "11:30")
    assert "al aangevraagd" in twice.value.errors["start"]
    day = TUESDAY
    for _ in range(bookings.MAX_OPEN - 1):
        day = working_day_after(day)
        ask(session, OMG_CONFIDANT, day)
    with pytest.raises(InvalidData) as too_many:
        ask(session, OMG_CONFIDANT, working_day_after(day))
    assert f"al {bookings.MAX_OPEN} aanvragen" in too_many.value.message


def working_day_after(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def test_r17_a_decline_needs_a_reason_that_the_confidant_reads(session, clock):
    luc, request = user(session, OMG_PAPSY), ask(session, OMG_CONFIDANT, TUESDAY)
    for reason in ("", "   ", "ne", "x" * 501):
        with pytest.raises(InvalidData) as refused:
            bookings.decline(session, luc, request.id, reason)
        assert set(refused.value.errors) == {"reason"}
    assert session.get(RoomBooking, request.id).status == BookingStatus.REQUESTED and not mails(session, "room_declined")
    bookings.decline(session, luc, request.id, "Die dag is het gebouw gesloten voor onderhoud.")
    [mail] = mails(session, "room_declined")
    assert mail.to_address == OMG_CONFIDANT and "Die dag is het gebouw gesloten voor onderhoud." in mail.body
    assert mail.attachment_body is None
    with pytest.raises(InvalidData, match="al beslist"):
        bookings.approve(session, luc, request.id)


def test_r17_the_approval_brings_a_calendar_file_and_a_cancellation_frees_the_half_hours(session, clock):
    booking = approved(session, OMG_CONFIDANT, TUESDAY, "10:00", "11:30")
    [mail] = mails(session, "room_approved")
    assert mail.to_address == OMG_CONFIDANT and mail.attachment_name == "reservering.ics"
    assert "method=REQUEST" in mail.attachment_type and "Gesprek met een verzoeker" in mail.body
    calendar, event = calendar_event(mail)
    assert calendar["METHOD"] == "REQUEST" and calendar.walk("VTIMEZONE")
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (booking.uid, 0, "CONFIRMED")
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 3, 2, 10, 0)
    assert event.decoded("DTEND").replace(tzinfo=None) == datetime(2027, 3, 2, 11, 30)
    assert str(event["LOCATION"]) == "Herman Teirlinckgebouw, Havenlaan 88, 1000 Brussel"
    assert str(event["ORGANIZER"]) == f"mailto:{OMG_PAPSY}" and str(event["ATTENDEE"]) == f"mailto:{OMG_CONFIDANT}"
    assert "Gesprek met een verzoeker" in str(event["DESCRIPTION"])
    bookings.cancel(session, user(session, OMG_CONFIDANT), booking.id)
    assert held(session, TUESDAY) == []
    [cancelled] = mails(session, "room_cancelled")
    calendar, event = calendar_event(cancelled)
    assert calendar["METHOD"] == "CANCEL" and "method=CANCEL" in cancelled.attachment_type
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (booking.uid, 1, "CANCELLED")
    [freed] = mails(session, "room_freed")
    assert freed.to_address == OMG_PAPSY and "Sofie Claes" in freed.body
    other = approved(session, KOEN, TUESDAY, "10:00", "11:00")  # the freed half hours are there for the next
    assert [booking_id for _slot, booking_id in held(session, TUESDAY)] == [other.id, other.id]
    with pytest.raises(InvalidData, match="al geweigerd of geannuleerd"):
        bookings.cancel(session, user(session, OMG_CONFIDANT), booking.id)
    clock.move_to(datetime(2027, 3, 2, 10, 15, tzinfo=BRUSSELS))
    with pytest.raises(InvalidData, match="al begonnen"):
        bookings.cancel(session, user(session, KOEN), other.id)


def test_r17_the_papsy_of_the_entity_decides_and_hears_and_every_papsy_where_it_has_none(session, clock):
    luc, hilde = user(session, OMG_PAPSY), user(session, AWV_PAPSY)
    first = ask(session, AWV_CONFIDANT, TUESDAY, "10:00", "11:00")
    assert [mail.to_address for mail in mails(session, "room_requested")] == [AWV_PAPSY]
    assert "Els De Smet (Agentschap Wegen en Verkeer)" in mails(session, "room_requested")[0].body
    with pytest.raises(NotAllowed):
        bookings.approve(session, luc, first.id)
    hilde.papsy_entities = []  # AWV has no PAPSY any more: its confidants' requests go to every PAPSY
    session.flush()
    second = ask(session, AWV_CONFIDANT, TUESDAY, "14:00", "15:00")
    assert sorted(mail.to_address for mail in mails(session, "room_requested")[1:]) == sorted([OMG_PAPSY, AWV_PAPSY])
    assert bookings.approve(session, luc, second.id).status == BookingStatus.APPROVED


def test_r17_a_request_holds_no_free_text(app, store):
    """Whatever a browser sends, a request keeps its day, times and category; a requester's name has no place."""
    client, day = app.test_client(), working_day()
    login(client, OMG_CONFIDANT)
    token = csrf_token(client.get("/room/").get_data(as_text=True))
    extra = {"name": MARK, "note": MARK, "requester": MARK, "description": MARK, "reason": MARK}
    response = client.post("/room/bookings", data={**form(day), **extra, "csrf_token": token})
    assert response.status_code == 302
    [row] = store.execute(select(RoomBooking.__table__)).all()
    assert MARK not in repr(tuple(row)) and row.purpose == "requester_conversation"
    sent = store.scalars(select(OutboxMessage)).all()
    assert sent and all(MARK not in f"{m.subject}{m.body}{m.attachment_body}" for m in sent)
    texts = {column.name for column in RoomBooking.__table__.columns if isinstance(column.type, String)}
    assert texts == {"uid", "purpose", "status", "decline_reason"}  # the reason is the PAPSY's, to the confidant
    refused = client.post("/room/bookings", data={**form(day, "10:15"), "csrf_token": token})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "op het halve uur" in page and 'aria-invalid="true"' in page
    assert store.scalar(select(func.count()).select_from(RoomBooking)) == 1


def test_r17_the_week_shows_what_is_taken_and_only_a_papsy_sees_by_whom(app, store):
    day = working_day()
    late = ask(store, OMG_CONFIDANT, day, "10:30", "11:30")  # asked before Koen's booking was approved
    approved(store, KOEN, day, "10:00", "11:00")
    free = ask(store, OMG_CONFIDANT, day, "15:00", "16:00")
    ask(store, AWV_CONFIDANT, day, "14:00", "15:00")
    store.commit()
    clients, pages = {}, {}
    for email in (OMG_CONFIDANT, OMG_PAPSY):
        clients[email] = app.test_client()
        login(clients[email], email)
        pages[email] = clients[email].get(f"/room/?week={day.isoformat()}").get_data(as_text=True)
    assert "10:00–11:00" in pages[OMG_CONFIDANT] and "14:00–15:00" in pages[OMG_CONFIDANT]
    assert "Koen Maes" not in pages[OMG_CONFIDANT] and "Els De Smet" not in pages[OMG_CONFIDANT]
    assert "start=11:00&amp;end=18:00" in pages[OMG_CONFIDANT]  # a free time is a link that fills in the form
    assert "Koen Maes (OMG)" in pages[OMG_PAPSY] and "Els De Smet (AWV)" in pages[OMG_PAPSY]
    papsy = clients[OMG_PAPSY]
    requests = papsy.get("/room/requests").get_data(as_text=True)
    assert requests.index(f'id="request-{late.id}"') < requests.index(f'id="request-{free.id}"')  # oldest first
    assert "Het lokaal is van 10:30–11:00 al gereserveerd" in requests and "Els De Smet" not in requests
    assert f"/room/bookings/{late.id}/approve" not in requests and f"/room/bookings/{free.id}/approve" in requests
    refused = papsy.post(f"/room/bookings/{late.id}/approve", data={"csrf_token": csrf_token(requests)})
    assert refused.status_code == 302 and "van 10:30–11:00 al gereserveerd door een andere reservering" in \
        papsy.get("/room/requests").get_data(as_text=True)
    store.expire_all()
    assert store.get(RoomBooking, late.id).status == BookingStatus.REQUESTED
    assert {booking_id for _slot, booking_id in held(store, day)} != {late.id}


# PostgreSQL: two PAPSY approve overlapping requests at the same moment, each on their own connection.

def race(app, booking_ids: list[int], papsy: str = OMG_PAPSY) -> list:
    """One thread per booking approves it; each result is "ok" or the exception it got."""
    barrier, results = threading.Barrier(len(booking_ids), timeout=30), [None] * len(booking_ids)

    def racer(index: int) -> None:
        with app.app_context():
            session = db.session()  # this thread's own session and connection
            try:
                deciding = user(session, papsy)
                assert session.get(RoomBooking, booking_ids[index]).status == BookingStatus.REQUESTED
                barrier.wait()  # both have read their request; neither has written
                bookings.approve(session, deciding, booking_ids[index])
                session.commit()
                results[index] = "ok"
            except Exception as exc:  # noqa: BLE001 (any outcome is kept for the main thread's assertions)
                session.rollback()
                results[index] = exc

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(len(booking_ids))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hangs (deadlock?)"
    return results


def two_requests(app, day: date, hour: int) -> list[int]:
    """Sofie asks hour:00-hour+1:00, Koen hour:30-hour+1:30 (both OMG: Luc decides both)."""
    with app.app_context():
        session = db.session()
        first = ask(session, OMG_CONFIDANT, day, f"{hour:02d}:00", f"{hour + 1:02d}:00")
        second = ask(session, KOEN, day, f"{hour:02d}:30", f"{hour + 1:02d}:30")
        session.commit()
        return [first.id, second.id]


def assert_held_by(app, day: date, winner: int, loser: int) -> None:
    """The half hours of the two requests are the winner's (all of them), none the loser's."""
    with app.app_context():
        session = db.session()
        holders = {booking_id for _slot, booking_id in held(session, day) if booking_id in (winner, loser)}
        assert len(held(session, day)) == len({slot for slot, _booking in held(session, day)})
        statuses = {session.get(RoomBooking, winner).status, session.get(RoomBooking, loser).status}
        assert holders == {winner} and statuses == {BookingStatus.APPROVED, BookingStatus.REQUESTED}


@pytest.mark.postgres
def test_r17_no_overlap_under_concurrency(pg_app):
    day = working_day(7)
    for hour in (8, 10, 12, 14, 16, 8, 10, 12):  # each round on its own half hours (a new day after 16:00)
        day = working_day_after(day) if hour == 8 else day
        ids = two_requests(pg_app, day, hour)
        results = race(pg_app, ids)
        assert results.count("ok") == 1, f"exactly one approval must win: {results!r}"
        winner = ids[results.index("ok")]
        [loser] = [result for result in results if result != "ok"]
        assert isinstance(loser, Conflict), f"the other must be refused clearly, got {loser!r}"
        assert f"{hour:02d}:30–{hour + 1:02d}:00 al gereserveerd" in loser.message and "Traceback" not in loser.message
        assert_held_by(pg_app, day, winner, next(i for i in ids if i != winner))


@pytest.mark.postgres
def test_r17_an_approval_that_waited_for_another_is_refused_naming_the_time(pg_app):
    """The path the look before inserting cannot catch: the first approval has written its half hours but not yet
    committed when the second looks (and sees them free) and inserts; the database makes the second wait, then
    refuses it, and the PAPSY is told which half hours were taken."""
    day = working_day(7)
    first_id, second_id = two_requests(pg_app, day, 10)
    written, commit_now, outcome = threading.Event(), threading.Event(), {}

    def first() -> None:
        with pg_app.app_context():
            session = db.session()
            bookings.approve(session, user(session, OMG_PAPSY), first_id)  # flushed: its rows wait for the commit
            written.set()
            assert commit_now.wait(30)
            session.commit()

    def second() -> None:
        with pg_app.app_context():
            session = db.session()
            assert written.wait(30)
            try:
                bookings.approve(session, user(session, OMG_PAPSY), second_id)
                outcome["second"] = "ok"
            except Conflict as exc:
                outcome["second"] = exc.message
            session.rollback()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    wait_until_a_connection_waits_for_a_lock(pg_app)
    commit_now.set()
    for thread in threads:
        thread.join(timeout=60)
    assert "10:30–11:00 al gereserveerd" in outcome["second"]
    assert_held_by(pg_app, day, first_id, second_id)


def wait_until_a_connection_waits_for_a_lock(app) -> None:
    """Until PostgreSQL shows a backend of this database waiting on a lock (the second insert)."""
    with db.engine.connect() as watcher:
        for _ in range(3000):
            waiting = watcher.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                           "AND wait_event_type = 'Lock'")).scalar()
            if waiting:
                return
            watcher.rollback()
            threading.Event().wait(0.01)
    pytest.fail("the second approval never waited for the first one's rows")
