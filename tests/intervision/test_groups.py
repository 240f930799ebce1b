"""R12.1 through the services: a fixed group of at most 12 confidants from several entities, one group at a time,
moving keeps the history, two half days planned a year, and the members' calendars kept in step."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import now
from app.engine.errors import InvalidData, NotAllowed
from app.intervision import events, group_sessions, groups
from app.intervision.events import BRUSSELS
from app.models import ConfidantStatus, EventParticipant, GroupMembership, ParticipantStatus
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, user
from tests.intervision.groups_support import (
    arrange_group,
    confidant,
    make_confidants,
    record_announcements,
)


@pytest.fixture
def announced(monkeypatch):
    return record_announcements(monkeypatch)


def memberships(session) -> list[tuple]:
    return session.execute(select(GroupMembership.group_id, GroupMembership.confidant_id, GroupMembership.left_on)
                           .order_by(GroupMembership.id)).all()


def fields(days: int, start: str = "09:00", end: str = "12:30", **extra) -> group_sessions.SessionFields:
    day = (now().astimezone(BRUSSELS) + timedelta(days=days)).date().isoformat()
    return group_sessions.read_fields({"day": day, "start": start, "end": end, "place": "Herman Teirlinck", **extra})


def test_r12_group_of_at_most_12(session, announced):
    papsy = user(session, OMG_PAPSY)
    group = groups.create_group(session, papsy, "Noord", papsy)
    for member in make_confidants(session, 6, "OMG") + make_confidants(session, 6, "AWV"):  # several entities
        groups.add_member(session, group, member, papsy)
    before = memberships(session)
    with pytest.raises(InvalidData) as refused:
        groups.add_member(session, group, confidant(session, OMG_CONFIDANT), papsy)
    assert str(refused.value.errors["confidant"]) == "De groep telt al 12 vertrouwenspersonen (het maximum)."
    assert memberships(session) == before and len(before) == 12
    assert groups.current_group(session, confidant(session, OMG_CONFIDANT)) is None


def test_r12_only_active_confidants_join_and_only_a_papsy_manages(session, announced):
    papsy = user(session, OMG_PAPSY)
    group = groups.create_group(session, papsy, "Noord", papsy)
    inactive = make_confidants(session, 1, status=ConfidantStatus.INACTIVE)[0]
    with pytest.raises(InvalidData, match="niet volledig"):
        groups.add_member(session, group, inactive, papsy)
    with pytest.raises(NotAllowed):
        groups.add_member(session, group, confidant(session, OMG_CONFIDANT), user(session, OMG_CONFIDANT))
    with pytest.raises(InvalidData):
        groups.create_group(session, papsy, " noord ", papsy)  # names are unique, whatever the case
    with pytest.raises(InvalidData):
        groups.create_group(session, papsy, "Zuid", user(session, OMG_CONFIDANT))  # led by a PAPSY
    assert memberships(session) == []


def test_r12_one_group_at_a_time_and_moving_keeps_the_history(session, announced):
    ids = arrange_group(session)
    awv_papsy = user(session, AWV_PAPSY)
    south = groups.create_group(session, awv_papsy, "Zuid", awv_papsy)
    later = group_sessions.plan(session, awv_papsy, south, fields(40))
    sofie = confidant(session, OMG_CONFIDANT)
    with pytest.raises(InvalidData, match="niet volledig") as refused:
        groups.add_member(session, south, sofie, awv_papsy)
    assert "zit al in de groep Noord" in str(refused.value.errors["confidant"])
    announced.calls.clear()
    groups.move_member(session, awv_papsy, sofie, south)
    assert groups.current_group(session, sofie).id == south.id
    history = [(m.group.name, m.left_on is not None) for m in groups.history(session, groups.get_group(session, ids["group"]))]
    assert sorted(history) == [("Noord", False), ("Noord", True)]  # Els stays; Sofie's time in Noord is kept, ended
    statuses = dict(session.execute(select(EventParticipant.event_id, EventParticipant.status)
                                    .where(EventParticipant.confidant_id == sofie.id)).all())
    assert statuses == {ids["past"]: ParticipantStatus.INVITED,  # the past session keeps her row (attendance)
                        ids["future"]: ParticipantStatus.CANCELLED, later.id: ParticipantStatus.INVITED}
    assert announced.calls == [(ids["future"], [OMG_CONFIDANT], True), (later.id, [OMG_CONFIDANT], False)]


def test_r12_two_half_days_planned_with_an_invitation_to_each_member(session, announced):
    papsy = user(session, OMG_PAPSY)
    group = groups.create_group(session, papsy, "Noord", papsy)
    for email in (OMG_CONFIDANT, AWV_CONFIDANT):
        groups.add_member(session, group, confidant(session, email), papsy)
    with pytest.raises(NotAllowed):
        group_sessions.plan(session, user(session, AWV_PAPSY), group, fields(10))  # not the group's PAPSY
    with pytest.raises(InvalidData):
        group_sessions.plan(session, papsy, group, fields(-1))  # the past
    first = group_sessions.plan(session, papsy, group, fields(10))
    second = group_sessions.plan(session, papsy, group, fields(20, online_url="https://meet.example/noord"))
    assert first.starts_at.astimezone(BRUSSELS).strftime("%H:%M") == "09:00"  # entered in Brussels, kept in UTC
    assert announced.calls == [(first.id, [AWV_CONFIDANT, OMG_CONFIDANT], False),
                               (second.id, [AWV_CONFIDANT, OMG_CONFIDANT], False)]
    planned = group_sessions.planned_counts(session, first.year).get(group.id, 0)
    if first.year == second.year:
        assert group_sessions.planned_label(planned) == "2 van 2 gepland"
    assert group_sessions.planned_label(3) == "3 van 2 gepland (meer dan nodig)"

    announced.calls.clear()
    assert group_sessions.change(session, papsy, first, fields(11)) is True
    assert first.sequence == 1
    assert group_sessions.change(session, papsy, first, fields(11)) is False  # nothing the members see changed
    group_sessions.cancel(session, papsy, second)
    assert announced.calls == [(first.id, [AWV_CONFIDANT, OMG_CONFIDANT], False),
                               (second.id, [AWV_CONFIDANT, OMG_CONFIDANT], True)]
    assert events.taking_part(session, second) != []  # the rows stay; the session is cancelled


def test_r12_a_session_needs_a_day_times_and_a_place_or_link():
    with pytest.raises(InvalidData) as refused:
        group_sessions.read_fields({"day": "31-02-2027", "start": "13:00", "end": "12:00", "online_url": "meet"})
    assert set(refused.value.errors) == {"day", "end", "online_url"}
    with pytest.raises(InvalidData) as refused:
        group_sessions.read_fields({"day": "2027-03-02", "start": "09:00", "end": "12:00"})
    assert set(refused.value.errors) == {"place"}
