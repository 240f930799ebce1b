"""R14: a period of temporary inactivity, with the clock moved and the process's timers fired as the workers fire them
(tests.helpers.fire_due): off the published list during it and back at its end, the stand-in's tasks and the
dossiers shared with them only with the requester's consent and not after the end, ending early, calling off."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.dossiers.services import DossierRefused, NotYours
from app.engine.errors import InvalidData
from app.lifecycle import inactivity, inactivity_dossiers
from app.lifecycle.inactivity import Report
from app.models import (
    AuditEntry,
    Confidant,
    DossierKey,
    HistoryEvent,
    InactivityPeriod,
    InstanceStatus,
    OutboxMessage,
    ProcessInstance,
    Task,
    TaskState,
    Timer,
    TimerState,
)
from app.roster.services import roster
from app.training.services import start_training
from tests.dossiers.test_dossier_rules import CANARY_NAME, CANARY_NOTE, facts
from tests.helpers import AWV_CONFIDANT, OMG_CONFIDANT, fire_due, user

KOEN = "koen.maes@omgeving.vlaanderen.example"
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # Tuesday 1 December 2026, 11:00 in Brussels
TODAY = date(2026, 12, 1)


def brussels_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) - timedelta(hours=1)  # winter: UTC+1


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(session, clock):
    """Sofie and Koen (OMG) with their key pairs, Els (AWV)."""
    sofie, koen = user(session, OMG_CONFIDANT), user(session, KOEN)
    keys = {email: user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
            for email in (OMG_CONFIDANT, KOEN)}
    session.commit()
    return sofie, koen, keys


def confidant(session, email: str) -> Confidant:
    session.expire_all()
    return session.scalar(select(Confidant).where(Confidant.email == email))


def report(session, first: date, last: date, stand_in: str | None = None) -> int:
    stand_in_id = confidant(session, stand_in).id if stand_in else None
    period = inactivity.report(session, user(session, OMG_CONFIDANT), Report(first, last, stand_in_id))
    session.commit()
    return period.id


def published(session) -> set[str]:
    session.expire_all()
    return {row.email for row in roster(session, ["active"])}


def period(session, period_id: int) -> InactivityPeriod:
    session.expire_all()
    return session.get(InactivityPeriod, period_id)


def test_r14_inactive_off_the_list_and_back_automatically(session, people, clock):
    period_id = report(session, date(2026, 12, 3), date(2026, 12, 5))
    acknowledge = session.scalar(select(Task).where(Task.spec_name == "acknowledge_period"))
    assert acknowledge.state == TaskState.READY and acknowledge.lane == "papsy" and acknowledge.assignee_id is None
    acknowledge_id = acknowledge.id
    assert OMG_CONFIDANT in published(session), "reported, not yet begun: still on the list"

    begins = brussels_midnight(date(2026, 12, 3)) + timedelta(seconds=1)
    fire_due(session, clock, begins)
    assert OMG_CONFIDANT not in published(session)
    away = confidant(session, OMG_CONFIDANT)
    assert (away.status, away.updated_at) == ("inactive", begins), "the published list's Last-Modified moves"

    fire_due(session, clock, brussels_midnight(date(2026, 12, 5)) + timedelta(hours=12))  # the last day: still away
    assert OMG_CONFIDANT not in published(session)
    fire_due(session, clock, brussels_midnight(date(2026, 12, 6)) + timedelta(seconds=1))
    assert OMG_CONFIDANT in published(session)
    ended = period(session, period_id)
    assert ended.ended_on == date(2026, 12, 5) and ended.cancelled_at is None
    assert session.get(ProcessInstance, ended.instance_id).status == InstanceStatus.COMPLETED
    assert session.get(Task, acknowledge_id).state == TaskState.CANCELLED, "nothing left to acknowledge"


def test_r14_the_papsy_acknowledges_and_the_period_says_who(session, people, clock):
    from app.workflow import services
    from tests.helpers import OMG_PAPSY

    period_id = report(session, date(2026, 12, 3), date(2026, 12, 5))
    task = session.scalar(select(Task).where(Task.spec_name == "acknowledge_period"))
    with pytest.raises(InvalidData):
        services.complete_task(session, user(session, OMG_PAPSY), task.id, {"acknowledged": False})
    session.rollback()
    services.complete_task(session, user(session, OMG_PAPSY), task.id, {"acknowledged": True})
    session.commit()
    acknowledged = period(session, period_id)
    assert (acknowledged.acknowledged_by_id, acknowledged.acknowledged_at) == (user(session, OMG_PAPSY).id, T0)
    assert session.get(ProcessInstance, acknowledged.instance_id).status == InstanceStatus.RUNNING, "the period runs on"


@pytest.mark.parametrize("first, last, stand_in, field", [
    (TODAY - timedelta(days=1), TODAY + timedelta(days=3), None, "starts_on"),
    (TODAY + timedelta(days=5), TODAY + timedelta(days=4), None, "ends_on"),
    (TODAY, TODAY + timedelta(days=400), None, "ends_on"),
    (TODAY, TODAY + timedelta(days=3), OMG_CONFIDANT, "stand_in"),
    (TODAY, TODAY + timedelta(days=3), AWV_CONFIDANT, "stand_in"),
    (TODAY + timedelta(days=9), TODAY + timedelta(days=12), None, "starts_on"),  # overlaps the period arranged
    (TODAY, TODAY + timedelta(days=3), "koen-away", "stand_in"),
], ids=["in the past", "ends before it starts", "longer than a year", "oneself", "another entity", "overlap",
        "stand-in inactive then"])
def test_r14_a_period_that_breaks_a_rule_is_refused_and_changes_nothing(session, people, first, last, stand_in,
                                                                        field):
    report(session, TODAY + timedelta(days=10), TODAY + timedelta(days=20))
    koen = confidant(session, KOEN)
    session.add(InactivityPeriod(confidant_id=koen.id, starts_on=TODAY + timedelta(days=2),
                                 ends_on=TODAY + timedelta(days=6)))
    session.commit()
    before = (session.scalars(select(InactivityPeriod.id)).all(), session.scalars(select(ProcessInstance.id)).all())
    stand_in_id = koen.id if stand_in == "koen-away" else confidant(session, stand_in).id if stand_in else None
    with pytest.raises(InvalidData) as refused:
        inactivity.report(session, user(session, OMG_CONFIDANT), Report(first, last, stand_in_id))
    session.rollback()
    assert list(refused.value.errors) == [field] and all(refused.value.errors.values())
    assert (session.scalars(select(InactivityPeriod.id)).all(),
            session.scalars(select(ProcessInstance.id)).all()) == before


def test_r14_a_period_from_today_begins_at_once_and_ends_early(session, people, clock):
    period_id = report(session, TODAY, TODAY + timedelta(days=10), stand_in=KOEN)
    assert OMG_CONFIDANT not in published(session), "reported for today: off the list at once"
    mail = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "stand_in_named"))
    assert mail.to_address == KOEN and "Sofie Claes" in mail.subject and "1 dec. 2026" in mail.body

    clock.move_to(T0 + timedelta(days=2))
    inactivity.end_early(session, user(session, OMG_CONFIDANT), period_id)
    session.commit()
    assert OMG_CONFIDANT in published(session)
    ended = period(session, period_id)
    assert ended.ended_on == TODAY + timedelta(days=2)
    assert session.get(ProcessInstance, ended.instance_id).status == InstanceStatus.COMPLETED
    # The first day's timer went off as the process started; the last day's went off now.
    assert session.scalars(select(Timer.state).where(Timer.instance_id == ended.instance_id)).all() == \
        [TimerState.FIRED]
    with pytest.raises(InvalidData):
        inactivity.end_early(session, user(session, OMG_CONFIDANT), period_id)  # twice: nothing to end


def test_r14_a_planned_period_is_called_off_and_its_timers_change_nothing(session, people, clock):
    period_id = report(session, TODAY + timedelta(days=5), TODAY + timedelta(days=8), stand_in=KOEN)
    with pytest.raises(InvalidData):
        inactivity.end_early(session, user(session, OMG_CONFIDANT), period_id)  # not begun: it is called off
    session.rollback()
    with pytest.raises(Exception):  # noqa: B017 (someone else's period: not found, as one that does not exist)
        inactivity.cancel(session, user(session, KOEN), period_id)
    session.rollback()
    inactivity.cancel(session, user(session, OMG_CONFIDANT), period_id)
    session.commit()
    cancelled = period(session, period_id)
    assert cancelled.cancelled_at == T0 and cancelled.ended_on is None
    assert session.get(ProcessInstance, cancelled.instance_id).status == InstanceStatus.COMPLETED
    assert session.scalars(select(Timer.state).where(Timer.instance_id == cancelled.instance_id)).all() == \
        [TimerState.FIRED], "its first day's timer went off at once and found it called off"
    assert confidant(session, OMG_CONFIDANT).status == "active"
    assert report(session, TODAY + timedelta(days=5), TODAY + timedelta(days=6)), "its days are free again"


def test_r14_the_stand_in_gets_the_confidants_new_tasks_until_the_period_ends(session, people, clock):
    sofie, koen, _ = people
    period_id = report(session, TODAY, TODAY + timedelta(days=10), stand_in=KOEN)
    appointed = confidant(session, OMG_CONFIDANT)
    appointed.appointed_on = TODAY - timedelta(days=30)  # her training deadline is ahead
    start_training(session, appointed)
    session.commit()
    upload = session.scalar(select(Task).where(Task.spec_name == "upload_certificate"))
    assert upload.assignee_id == koen.id, "a task the process gives Sofie goes to Koen"
    assert session.scalar(select(HistoryEvent.detail).where(HistoryEvent.instance_id == upload.instance_id,
                                                            HistoryEvent.kind == "assigned")) == "Koen Maes"
    dossier = dossiers.register(session, sofie, facts(themes=["sexual_harassment"]))  # a delicate case: hers alone
    session.commit()
    summary = session.scalar(select(Task).where(Task.spec_name == "write_summary",
                                                Task.instance_id == dossier.escalation_instance_id))
    assert summary.assignee_id == sofie.id

    clock.move_to(T0 + timedelta(days=1))
    inactivity.end_early(session, user(session, OMG_CONFIDANT), period_id)
    session.commit()
    assert session.get(Task, upload.id).assignee_id == sofie.id, "back to Sofie when her period ends"
    start_training(session, confidant(session, OMG_CONFIDANT))
    session.commit()
    assert session.scalars(select(Task.assignee_id).where(Task.spec_name == "upload_certificate")
                           .order_by(Task.id)).all() == [sofie.id, sofie.id]


def test_r14_the_stand_in_reads_only_with_consent_and_not_after_the_end(session, people, clock):
    sofie, koen, keys = people
    els = user(session, AWV_CONFIDANT)
    els_key = user_keys.create_for(session, els, DEMO_PASSWORD)
    dossier = dossiers.register(session, sofie, facts())
    session.commit()
    dossier_id = dossier.id
    period_id = report(session, TODAY, TODAY + timedelta(days=3), stand_in=KOEN)
    with pytest.raises(NotYours):
        inactivity_dossiers.read(session, koen, dossier.id, keys[KOEN])  # named stand-in, nothing shared yet
    with pytest.raises(DossierRefused):
        inactivity_dossiers.share(session, sofie, keys[OMG_CONFIDANT], dossier.id, period_id, None, "phone")
    session.rollback()
    assert session.get(DossierKey, (dossier.id, "stand_in", koen.id)) is None

    inactivity_dossiers.share(session, sofie, keys[OMG_CONFIDANT], dossier.id, period_id, TODAY, "phone")
    session.commit()
    view = inactivity_dossiers.read(session, koen, dossier.id, keys[KOEN])
    session.commit()
    assert (view.requester, [note.text for note in view.notes], view.keeper) == (CANARY_NAME, [CANARY_NOTE],
                                                                                 "Sofie Claes")
    assert [row.dossier.id for row in inactivity_dossiers.shared_with(session, koen)] == [dossier.id]
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.actor_id == koen.id)
                          .order_by(AuditEntry.id.desc()).limit(1)) == "read"
    with pytest.raises(NotYours):
        inactivity_dossiers.read(session, els, dossier.id, els_key)
    with pytest.raises(NotYours):
        dossiers.read(session, koen, dossier.id, keys[KOEN])  # a stand-in is no keeper: the keeper's page stays hers

    koen_id = koen.id
    fire_due(session, clock, brussels_midnight(TODAY + timedelta(days=4)) + timedelta(seconds=1))
    with pytest.raises(NotYours):
        inactivity_dossiers.read(session, user(session, KOEN), dossier_id, keys[KOEN])
    assert session.get(DossierKey, (dossier_id, "stand_in", koen_id)) is None
    assert inactivity_dossiers.shared_with(session, user(session, KOEN)) == []
    assert dossiers.read(session, user(session, OMG_CONFIDANT), dossier_id, keys[OMG_CONFIDANT]).requester == \
        CANARY_NAME, "the keeper keeps it"


def test_r14_bad_input_on_the_pages_is_said_beside_its_field_and_changes_nothing(app, store):
    """Unreadable or refused reports and shares answer 422 with the reason on the page; nothing is kept."""
    from tests.helpers import csrf_token, login

    sofie, koen = user(store, OMG_CONFIDANT), user(store, KOEN)
    for account in (sofie, koen):
        user_keys.create_for(store, account, DEMO_PASSWORD)
    dossier_id = dossiers.register(store, sofie, facts(opened_on=date.today() - timedelta(days=5))).id
    store.commit()
    client = app.test_client()
    login(client, OMG_CONFIDANT)
    token = csrf_token(client.get("/availability").get_data(as_text=True))
    for form, words in (({"starts_on": "morgen", "ends_on": "2026-13-40"}, "Geef de eerste dag"),
                        ({"starts_on": "2020-01-01", "ends_on": "2020-01-02"}, "niet in het verleden"),
                        ({"starts_on": date.today().isoformat(), "ends_on": date.today().isoformat(),
                          "stand_in": "'; drop"}, "Kies een vervanger"),
                        ({"starts_on": date.today().isoformat(), "ends_on": date.today().isoformat(),
                          "stand_in": "99999999999999999999"}, "Kies een vervanger")):  # beyond the id column
        refused = client.post("/availability", data={**form, "csrf_token": token})
        assert refused.status_code == 422 and words in refused.get_data(as_text=True)
    assert store.scalars(select(InactivityPeriod.id)).all() == []

    reported = client.post("/availability", data={"starts_on": date.today().isoformat(), "csrf_token": token,
                                                  "ends_on": (date.today() + timedelta(days=3)).isoformat(),
                                                  "stand_in": str(confidant(store, KOEN).id)})
    assert reported.status_code == 302
    period_id = store.scalar(select(InactivityPeriod.id))
    store.rollback()
    page = client.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Delen met Koen Maes" in page
    for form, words in (({"consent_on": "gisteren", "consent_way": "phone"}, "dag, maand en jaar"),
                        ({"consent_on": (date.today() + timedelta(days=2)).isoformat(), "consent_way": "phone"},
                         "niet in de toekomst"),
                        ({"consent_on": date.today().isoformat(), "consent_way": "telepathie"}, "Geef aan hoe"),
                        ({"consent_on": date.today().isoformat(), "consent_way": "phone", "period": "x"},
                         "niemand om het dossier mee te delen")):
        refused = client.post(f"/dossiers/{dossier_id}/stand-in",
                              data={"period": str(period_id), **form, "csrf_token": csrf_token(page)})
        assert refused.status_code == 422 and words in refused.get_data(as_text=True), words
    assert sorted(store.scalars(select(DossierKey.reader).where(DossierKey.dossier_id == dossier_id))) == \
        ["owner", "recovery"]
    store.rollback()
