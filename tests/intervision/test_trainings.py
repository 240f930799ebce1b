"""R13: the GDPB's trainings and info sessions, through the services: publishing, places and the waiting list
(moving up with a mail), calendar invitations on every change, attendance by the organiser, and the recommended day
of training a year, shown and never enforced. ``invitations.announce`` is recorded, not sent (its own tests send)."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from app.clock import now
from app.engine.errors import InvalidData, NotAllowed
from app.intervision import invitations, trainings
from app.intervision.training_form import TrainingDetails, parse
from app.models import Attendance, Confidant, EventKind, OutboxMessage, ParticipantStatus
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, user


@pytest.fixture
def announced(monkeypatch) -> list[tuple]:
    """The invitations the services asked for: (event id, confidant emails, cancel)."""
    calls: list[tuple] = []
    monkeypatch.setattr(invitations, "announce", lambda session, event, confidants, cancel=False: calls.append(
        (event.id, [confidant.email for confidant in confidants], cancel)))
    return calls


def details(kind: EventKind = EventKind.TRAINING, days: str = "1", capacity: int | None = 10,
            in_days: int = 14, **changes) -> TrainingDetails:
    starts = now() + timedelta(days=in_days)
    fields = {"kind": kind, "title": "Omgaan met agressie", "description": "Een dag oefenen.", "starts_at": starts,
              "ends_at": starts + timedelta(hours=7), "duration_days": Decimal(days), "capacity": capacity,
              "place": "Herman Teirlinckgebouw", "online_url": None, **changes}
    return TrainingDetails(**fields)


def publish(session, **kwargs):
    event = trainings.publish(session, user(session, OMG_PAPSY), details(**kwargs))
    session.commit()
    return event


def status(session, event, email: str) -> ParticipantStatus | None:
    session.expire_all()
    return trainings.standing(session, event, confidant(session, email)).status


def confidant(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.email == email))


def after(event):
    return time_machine.travel(event.ends_at + timedelta(hours=1), tick=False)


def test_r13_registration(session, announced):
    event = publish(session)
    trainings.register(session, user(session, OMG_CONFIDANT), event)
    assert status(session, event, OMG_CONFIDANT) == ParticipantStatus.REGISTERED
    assert announced == [(event.id, [OMG_CONFIDANT], False)]
    with pytest.raises(InvalidData, match="al ingeschreven"):
        trainings.register(session, user(session, OMG_CONFIDANT), event)
    assert len(trainings.registered(session, event)) == 1 and len(announced) == 1
    with pytest.raises(NotAllowed):  # a secretary is no confidant: nobody registers for them
        trainings.register(session, user(session, OMG_SECRETARY), event)


def test_r13_capacity_and_waiting_list_moves_up_with_a_mail(session, announced):
    event = publish(session, capacity=1)
    trainings.register(session, user(session, OMG_CONFIDANT), event)
    second = trainings.register(session, user(session, AWV_CONFIDANT), event)
    assert second.status == ParticipantStatus.WAITING
    assert trainings.standing(session, event, confidant(session, AWV_CONFIDANT)).position == 1
    assert trainings.listed(session, event).places_left == 0
    announced.clear()
    moved = trainings.unregister(session, user(session, OMG_CONFIDANT), event)
    session.commit()
    assert moved.confidant.email == AWV_CONFIDANT
    assert status(session, event, AWV_CONFIDANT) == ParticipantStatus.REGISTERED
    assert status(session, event, OMG_CONFIDANT) is None
    assert announced == [(event.id, [OMG_CONFIDANT], True), (event.id, [AWV_CONFIDANT], False)]
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == AWV_CONFIDANT,
                                                      OutboxMessage.kind == "place_freed"))
    assert mail is not None and "Omgaan met agressie" in mail.body and "U hebt een plaats" in mail.body
    assert f"/trainings/{event.id}" in mail.body


def test_r13_waiting_one_who_unregisters_frees_nothing_and_gets_no_cancellation(session, announced):
    event = publish(session, capacity=1)
    trainings.register(session, user(session, OMG_CONFIDANT), event)
    trainings.register(session, user(session, AWV_CONFIDANT), event)
    announced.clear()
    assert trainings.unregister(session, user(session, AWV_CONFIDANT), event) is None
    assert announced == [] and status(session, event, OMG_CONFIDANT) == ParticipantStatus.REGISTERED


def test_r13_a_larger_capacity_lets_the_waiting_move_up(session, announced):
    event = publish(session, capacity=1)
    trainings.register(session, user(session, OMG_CONFIDANT), event)
    trainings.register(session, user(session, AWV_CONFIDANT), event)
    session.commit()
    papsy, same_times = user(session, OMG_PAPSY), details(starts_at=event.starts_at, ends_at=event.ends_at)
    with pytest.raises(InvalidData) as refused:  # fewer places than people registered
        trainings.change(session, papsy, event, replace(same_times, capacity=0))
    assert "capacity" in refused.value.errors
    session.rollback()
    announced.clear()
    assert trainings.change(session, papsy, event, replace(same_times, capacity=2)) is False  # no calendar change
    assert status(session, event, AWV_CONFIDANT) == ParticipantStatus.REGISTERED
    assert announced == [(event.id, [AWV_CONFIDANT], False)]
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == AWV_CONFIDANT)) is not None


def test_r13_change_sends_the_new_invitation_and_cancel_sends_cancellations(session, announced):
    event = publish(session)
    trainings.register(session, user(session, OMG_CONFIDANT), event)
    trainings.register(session, user(session, AWV_CONFIDANT), event)
    announced.clear()
    later = details(in_days=15)
    assert trainings.change(session, user(session, OMG_PAPSY), event, later) is True
    assert event.sequence == 1
    assert announced == [(event.id, sorted([OMG_CONFIDANT, AWV_CONFIDANT], key=lambda e: confidant(session, e).name),
                          False)]
    with pytest.raises(NotAllowed):  # another PAPSY did not organise it
        trainings.cancel(session, user(session, AWV_PAPSY), event)
    announced.clear()
    trainings.cancel(session, user(session, OMG_PAPSY), event)
    assert event.cancelled_at is not None and event.sequence == 2
    assert [(call[0], sorted(call[1]), call[2]) for call in announced] == \
        [(event.id, sorted([OMG_CONFIDANT, AWV_CONFIDANT]), True)]
    with pytest.raises(InvalidData, match="geannuleerd"):
        trainings.register(session, user(session, OMG_CONFIDANT), event)


def test_r13_attendance_is_recorded_by_the_organiser_only_after_the_event(session, announced):
    event = publish(session)
    row = trainings.register(session, user(session, OMG_CONFIDANT), event)
    session.commit()
    with pytest.raises(InvalidData, match="na de sessie"):
        trainings.record_attendance(session, user(session, OMG_PAPSY), event, {row.id: Attendance.PRESENT})
    with after(event):
        for other in (AWV_PAPSY, OMG_CONFIDANT, OMG_SECRETARY):
            with pytest.raises(NotAllowed):
                trainings.record_attendance(session, user(session, other), event, {row.id: Attendance.PRESENT})
        with pytest.raises(InvalidData):  # someone who had no place
            trainings.record_attendance(session, user(session, OMG_PAPSY), event, {row.id + 999: Attendance.ABSENT})
        assert trainings.record_attendance(session, user(session, OMG_PAPSY), event, {row.id: Attendance.EXCUSED}) == 1
    assert row.attendance == Attendance.EXCUSED and row.attendance_recorded_by_id == user(session, OMG_PAPSY).id


def test_r13_recommendation_shown_not_enforced(session, announced):
    sofie = confidant(session, OMG_CONFIDANT)
    year = now().year if (now() + timedelta(days=14)).year == now().year else now().year + 1
    assert trainings.recommendation(session, sofie, year) == (Decimal(0), False)  # nothing attended: nothing refused
    half = publish(session, days="0.5")
    info = publish(session, kind=EventKind.INFO_SESSION, days="1")
    rows = [trainings.register(session, user(session, OMG_CONFIDANT), event) for event in (half, info)]
    session.commit()
    with after(info):
        for event, row in zip((half, info), rows, strict=True):
            trainings.record_attendance(session, user(session, OMG_PAPSY), event, {row.id: Attendance.PRESENT})
    session.commit()
    year = half.year
    assert trainings.recommendation(session, sofie, year) == (Decimal("0.5"), False)  # info sessions do not count
    assert trainings.days_by_confidant(session, year) == {sofie.id: Decimal("0.5")}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("duration_days", "0.3", "per halve dag"), ("duration_days", "10.5", "per halve dag"),
    ("duration_days", "abc", "per halve dag"), ("end_time", "08:00", "na het begin"),
    ("duration_days", "3", "dagen tussen begin en einde"), ("capacity", "0", "aantal plaatsen"),
    ("online_url", "javascript:alert(1)", "https://"), ("kind", "group_session", "vorming of een infosessie"),
    ("starts_on", "15/03/2027", "2027-03-15"), ("start_time", "9u", "09:30"),
])
def test_r13_the_form_refuses_bad_input_with_a_reason(app, field, value, message):
    form = {"kind": "training", "title": "Omgaan met agressie", "starts_on": "2027-03-15", "start_time": "09:00",
            "end_time": "16:30", "duration_days": "1", "capacity": "12", "place": "Brussel", field: value}
    with app.test_request_context():
        parsed, _values, errors = parse(form)
    assert parsed is None and message in errors[field]


def test_r13_a_two_day_training_spans_its_days(app):
    form = {"kind": "training", "title": "Basis", "starts_on": "2027-03-15", "start_time": "09:00",
            "ends_on": "2027-03-16", "end_time": "16:30", "duration_days": "1,5", "capacity": "", "place": "Gent"}
    with app.test_request_context():
        parsed, _values, errors = parse(form)
    assert errors == {} and parsed.duration_days == Decimal("1.5") and parsed.capacity is None
    assert parsed.starts_at.isoformat() == "2027-03-15T09:00:00+01:00"
    assert (parsed.ends_at - parsed.starts_at) == timedelta(days=1, hours=7, minutes=30)


def test_r12_the_place_freed_mail_names_an_open_session_without_a_title_in_words():
    from app.intervision.notices import event_title
    from app.models import EventKind, NetworkEvent

    untitled = NetworkEvent(kind=EventKind.OPEN_GDPB, title=None)
    assert (event_title(untitled, "en"), event_title(untitled, "nl")) == ("Open intervision GDPB", "Open intervisie GDPB")
    assert event_title(NetworkEvent(kind=EventKind.TRAINING, title="Omgaan met agressie")) == "Omgaan met agressie"
