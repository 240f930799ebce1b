"""Findings of the review of the intervision area (an attacker's and a tester's look): each test failed on the code
before its fix. Bad input gives a clear refusal and changes nothing; never a 500."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.accounts import create_api_token
from app.clock import now
from app.intervision import invitations
from app.models import IntervisionGroup, NetworkEvent
from tests.helpers import OMG_PAPSY, csrf_token, login, user
from tests.intervision.groups_support import arrange_group, record_announcements

ODD_DIGITS = ("²", "9" * 30, "9" * 5000)  # isdigit() says yes; int() refuses the first and last, no column fits the second
ODD_IDS = ("superscript", "beyond-the-column", "5000-digits")


@pytest.fixture
def ids(app, store, monkeypatch):
    record_announcements(monkeypatch)
    return arrange_group(store)


@pytest.fixture
def papsy(app, store, ids):
    client = app.test_client()
    login(client, OMG_PAPSY)
    client.token = csrf_token(client.get(f"/intervision/groups/{ids['group']}").get_data(as_text=True))
    return client


def counts(store) -> tuple[int, int]:
    store.expire_all()
    found = (store.query(IntervisionGroup).count(), store.query(NetworkEvent).count())
    store.rollback()
    return found


@pytest.mark.parametrize("odd", ODD_DIGITS, ids=ODD_IDS)
def test_group_forms_refuse_odd_numbers_without_a_500(store, ids, papsy, odd):
    before = counts(store)
    group = f"/intervision/groups/{ids['group']}"
    posts = {
        "/intervision/groups": {"name": "Zuid", "leader": odd},
        f"{group}/settings": {"name": "Noord", "leader": odd},
        f"{group}/members": {"confidant": odd},
        f"{group}/members/{ids['omg']}/move": {"to": odd},
        f"{group}/sessions/{ids['past']}/attendance": {f"attendance-{odd}": "present"},
    }
    for url, form in posts.items():
        answer = papsy.post(url, data={**form, "csrf_token": papsy.token})
        assert answer.status_code in (302, 403, 404, 422), (url, answer.status_code)
    assert papsy.get(f"{group}?year={odd}").status_code == 200
    assert counts(store) == before


def later(days: int = 20) -> str:
    return (now() + timedelta(days=days)).date().isoformat()


OPEN_FORM = {"kind": "open_gdpb", "title": "Open intervisie", "starts": "09:00", "ends": "12:30", "place": "Brussel",
             "capacity": "5"}
TRAINING_FORM = {"kind": "training", "title": "Omgaan met agressie", "start_time": "09:00", "end_time": "12:30",
                 "duration_days": "0,5", "capacity": "5", "place": "Brussel"}


@pytest.mark.parametrize("odd", ODD_DIGITS, ids=ODD_IDS)
def test_publish_forms_refuse_odd_numbers_without_a_500(store, ids, papsy, odd):
    before = counts(store)
    for url, form in (("/sessions/new", {**OPEN_FORM, "day": later(), "capacity": odd}),
                      ("/sessions/new", {**OPEN_FORM, "kind": "open_idewe", "day": later(), "cost_units": odd}),
                      ("/trainings/new", {**TRAINING_FORM, "starts_on": later(), "capacity": odd})):
        answer = papsy.post(url, data={**form, "csrf_token": papsy.token})
        assert answer.status_code == 422, (url, form, answer.status_code)
    assert counts(store) == before


@pytest.mark.parametrize("times", [("09:00", "12:30+01:00"), ("09:00+01:00", "12:30"), ("09:00:00.5", "25:00")])
def test_session_forms_refuse_times_with_an_offset_without_a_500(store, ids, papsy, times):
    """A time with a UTC offset ("12:30+01:00") is no time of day in Brussels: refused, not compared with one
    without (which raised)."""
    start, end = times
    before = counts(store)
    for url, form in ((f"/intervision/groups/{ids['group']}/sessions",
                       {"day": later(), "start": start, "end": end, "place": "Brussel"}),
                      ("/sessions/new", {**OPEN_FORM, "day": later(), "starts": start, "ends": end})):
        answer = papsy.post(url, data={**form, "csrf_token": papsy.token})
        assert answer.status_code == 422, (url, times, answer.status_code)
    assert counts(store) == before


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01"])
def test_session_forms_refuse_days_out_of_reach_without_a_500(store, ids, papsy, day):
    before = counts(store)
    for url, form in ((f"/intervision/groups/{ids['group']}/sessions",
                       {"day": day, "start": "00:30", "end": "23:30", "place": "Brussel"}),
                      ("/sessions/new", {**OPEN_FORM, "day": day, "starts": "00:30", "ends": "23:30"}),
                      ("/trainings/new", {**TRAINING_FORM, "starts_on": day, "start_time": "00:30",
                                          "end_time": "23:30"})):
        answer = papsy.post(url, data={**form, "csrf_token": papsy.token})
        assert answer.status_code == 422, (url, day, answer.status_code)
    assert counts(store) == before


@pytest.mark.parametrize("year", ["²", "２０２６", "9" * 5000], ids=("superscript", "full-width", "5000-digits"))
def test_api_sessions_refuses_an_odd_year_in_the_envelope(app, store, ids, year):
    token = create_api_token(store, user(store, OMG_PAPSY))
    store.commit()
    answer = app.test_client().get(f"/api/v1/intervision/sessions?year={year}",
                                   headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400 and set(answer.get_json()) == {"error", "errors"}


def test_group_assignment_refuses_a_group_id_beyond_any_row_with_the_reason(session):
    from app.intervision.year import group_refusal

    assert "bestaande intervisiegroep" in group_refusal(session, 2**63)


def test_r12_an_open_session_that_has_started_is_neither_changed_nor_cancelled(session, monkeypatch):
    """Cancelling an IDEWE session after it was held gave the entity its units back and ended the certificate's
    process (the half day could no longer count); changing it rewrote a held session. Refused, as for a group's."""
    from datetime import datetime, timezone

    import time_machine

    from app.engine.errors import InvalidData
    from app.intervision import idewe, open_sessions, units
    from app.models import InstanceStatus, ProcessInstance
    from tests.helpers import AWV_PAPSY, OMG_CONFIDANT, entity

    monkeypatch.setattr(invitations, "announce", lambda *args, **kwargs: None)
    form = {"day": "2026-11-20", "starts": "09:00", "ends": "12:30", "place": "Brussel", "cost_units": "4"}
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=timezone.utc), tick=False) as clock:
        omg, organiser = entity(session, "OMG"), user(session, AWV_PAPSY)
        units.credit(session, user(session, OMG_PAPSY), omg, "4", "Bestelling")
        event = open_sessions.publish(session, organiser, "open_idewe", form)
        row = idewe.approve(session, user(session, OMG_PAPSY),
                            open_sessions.register(session, user(session, OMG_CONFIDANT), event).id)
        session.commit()
        clock.move_to(datetime(2026, 11, 20, 9, tzinfo=timezone.utc))  # under way
        with pytest.raises(InvalidData):
            open_sessions.change(session, organiser, event, {**form, "place": "Gent"})
        session.rollback()
        clock.move_to(datetime(2026, 11, 21, 9, tzinfo=timezone.utc))  # held
        with pytest.raises(InvalidData):
            open_sessions.cancel(session, organiser, event)
        session.rollback()
        assert units.balance(session, omg.id) == 0 and event.cancelled_at is None and event.place == "Brussel"
        assert session.get(ProcessInstance, row.instance_id).status != InstanceStatus.CANCELLED


@pytest.mark.postgres
@pytest.mark.parametrize("kind", ["open_gdpb", "training"])
def test_r13_two_registrations_at_once_for_the_last_place_take_one_place(pg_app, monkeypatch, kind):
    """Two confidants register at the same moment for the one place left: the event's row lock makes the second
    count the first's place and wait (capacity is a promise to the organiser, and to the room)."""
    import threading

    from app.db import db
    from app.intervision import open_sessions, registrations, training_form, trainings
    from app.models import EventParticipant, ParticipantStatus
    from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT

    monkeypatch.setattr(invitations, "announce", lambda *args, **kwargs: None)
    with pg_app.app_context():
        session = db.session()
        papsy = user(session, OMG_PAPSY)
        if kind == "training":
            details, _, errors = training_form.parse({**TRAINING_FORM, "starts_on": later(), "capacity": "1"})
            event = trainings.publish(session, papsy, details)
        else:
            event = open_sessions.publish(session, papsy, kind, {**OPEN_FORM, "day": later(), "capacity": "1"})
        session.commit()
        event_id = event.id
        db.session.remove()
    barrier, failures = threading.Barrier(2), []

    def register(email: str) -> None:
        with pg_app.app_context():
            racer = db.session()
            try:
                event = racer.get(NetworkEvent, event_id)
                confidant = open_sessions.own_confidant(racer, user(racer, email))
                barrier.wait()
                registrations.register(racer, event, confidant)
                racer.commit()
            except Exception as failure:  # noqa: BLE001 (reported below)
                failures.append(failure)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register, args=(email,)) for email in (OMG_CONFIDANT, AWV_CONFIDANT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    with pg_app.app_context():
        statuses = sorted(db.session().scalars(select(EventParticipant.status).where(
            EventParticipant.event_id == event_id)))
        db.session.remove()
    assert statuses == sorted([ParticipantStatus.REGISTERED, ParticipantStatus.WAITING])


def test_api_attendance_of_a_session_the_caller_may_not_see_is_404_like_an_unknown_one(app, store, ids):
    """A confidant outside the group learnt from 403 against 404 which session ids exist; now both are 404 (as the
    calendar's files), and a member of the group, who sees the session, gets the 403."""
    from app.models import Confidant, ConfidantStatus
    from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, entity

    outsider = store.query(Confidant).filter_by(email=AWV_CONFIDANT).one()
    groups_member = store.query(Confidant).filter_by(email=OMG_CONFIDANT).one()
    assert groups_member.status == ConfidantStatus.ACTIVE and entity(store, "AWV").id == outsider.entity_id
    from app.models import EventParticipant

    store.query(EventParticipant).filter_by(confidant_id=outsider.id).delete()
    store.commit()
    body = {"attendance": {OMG_CONFIDANT: "present"}}
    answers = {}
    for email in (AWV_CONFIDANT, OMG_CONFIDANT):
        token = create_api_token(store, user(store, email))
        store.commit()
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        answers[email] = (client.post(f"/api/v1/intervision/sessions/{ids['past']}/attendance", json=body,
                                      headers=headers).status_code,
                          client.post("/api/v1/intervision/sessions/999999/attendance", json=body,
                                      headers=headers).status_code)
    assert answers == {AWV_CONFIDANT: (404, 404), OMG_CONFIDANT: (403, 404)}


def test_calendar_files_carry_no_lone_carriage_return_from_a_title_or_place(session, monkeypatch):
    """RFC 5545 lines end in CRLF; a lone CR typed into a title or place (a raw request can carry one) went out as
    is, and calendar programs that break lines at a CR read what follows as a property of its own."""
    import re

    from icalendar import Calendar

    from app.intervision import ics, open_sessions

    event = open_sessions.publish(session, user(session, OMG_PAPSY), "open_gdpb", {
        **OPEN_FORM, "day": later(), "title": "Intervisie\rATTENDEE:mailto:x@evil.example",
        "place": "Brussel\rORGANIZER:mailto:x@evil.example"})
    for body in (ics.publication([event], "nl"),
                 ics.invitation(event, "Sofie\rX-EVIL:1", "sofie@omgeving.vlaanderen.example", "nl", ics.REQUEST)):
        assert re.search(rb"\r(?!\n)", body) is None
        [parsed] = Calendar.from_ical(body).walk("VEVENT")
        assert "evil" in str(parsed["SUMMARY"]) and "evil" in str(parsed["LOCATION"])  # text, not properties
        assert str(parsed["ORGANIZER"]).endswith(event.organiser.email)


INTERVISION_BLUEPRINTS = ("intervision_group", "intervision_open", "intervision_calendar", "intervision_compliance",
                          "trainings")


def test_every_intervision_form_is_refused_without_its_csrf_token(app, store, ids, papsy):
    """A page of another site cannot post for the signed-in PAPSY: every POST of the area wants the form's token."""
    before = counts(store)
    values = {"group_id": ids["group"], "event_id": ids["future"], "confidant_id": ids["omg"], "participant_id": 1,
              "code": "OMG"}
    posts = [rule for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and rule.endpoint.split(".")[0] in INTERVISION_BLUEPRINTS]
    assert len(posts) > 20
    for rule in posts:
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        answer = papsy.post(url, data={"name": "Zuid", "leader": "1", "reason": "Geen budget", "units": "5",
                                       "note": "Bestelling", "confidant": str(ids["awv"])})
        assert answer.status_code == 400, (rule.rule, answer.status_code)
    assert counts(store) == before


def test_r12_a_double_click_on_plan_plans_the_half_day_once(store, ids, papsy, monkeypatch):
    """The second of two identical posts (a double click) planned the half day twice, with two invitations each."""
    announced = record_announcements(monkeypatch)
    form = {"day": later(60), "start": "09:00", "end": "12:30", "place": "Brussel", "csrf_token": papsy.token}
    url = f"/intervision/groups/{ids['group']}/sessions"
    assert papsy.post(url, data=form).status_code == 302
    second = papsy.post(url, data={**form, "start": "10:00", "end": "13:00"})  # overlapping is the same meeting
    assert second.status_code == 422 and "al een sessie" in second.get_data(as_text=True)
    assert counts(store)[1] == 3 and len(announced.calls) == 1
    assert papsy.post(url, data={**form, "start": "13:30", "end": "17:00"}).status_code == 302  # the afternoon
