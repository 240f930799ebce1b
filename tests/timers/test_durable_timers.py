"""Durable timers (issue 3): the timer table is the truth; jobs claim, fire once, back off, end in incidents.

The job function runs in this process with the clock moved (time-machine); Redis is the real test Redis.
Real worker processes, SIGKILL and FLUSHALL are in tests/integration/test_timer_faults.py.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

import tests.timers.services as flaky
from app.db import db
from app.engine import timers as durable
from app.engine.registry import deploy
from app.models import (
    HistoryEvent,
    InstanceStatus,
    ProcessInstance,
    Task,
    TaskState,
    Timer,
    TimerState,
)
from app.workflow import services
from tests.helpers import ADMIN, OMG_SECRETARY, csrf_token, entity, login, user
from workers import dispatcher, reconciler
from workers.jobs import fire_timer
from workers.scheduling import NOT_BEFORE

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
FORM = {"schema": {"type": "object", "title": "Termijn", "required": ["wait_for"],
                   "properties": {"wait_for": {"type": "string", "title": "Wachttijd", "pattern": "^PT\\d+[HMS]$"}}},
        "ui": {}}
WAITING = "vertrouwd:vertrouwd-test:timers"  # timer id -> due time, for the dispatchers


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def started(app, redis_client, clock):
    """An instance waiting for two timers: 'wait' (in 1 hour) and the boundary 'deadline' (in 30 days).
    The tests read with ``store`` (no outer app context: the admin client's CSRF token needs its own ``g``)."""
    flaky.FAILURES["left"] = 0
    xml = (Path(__file__).parent / "timer_after_task.bpmn").read_text()
    with app.app_context():
        session = db.session()
        deploy(session, "timer_after_task", {"timer_after_task.bpmn": xml}, {"timer_start": FORM})
        instance = services.start_process(session, user(session, OMG_SECRETARY), "timer_after_task",
                                          entity(session, "OMG"), {"wait_for": "PT1H"})
        session.commit()
        instance_id = instance.id
    db.session.remove()
    return instance_id


def timer(store, spec_name: str) -> Timer:
    store.expire_all()
    return store.scalar(select(Timer).where(Timer.spec_name == spec_name).order_by(Timer.id.desc()))


def runs_after_timer(store) -> int:
    store.expire_all()
    return store.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.step == "Na de termijn"))


def test_timer_rows_and_jobs_are_written_with_the_state(store, started, redis_client):
    wait, deadline = timer(store, "wait"), timer(store, "deadline")
    assert wait.state == deadline.state == TimerState.PENDING
    assert wait.due_at == T0 + timedelta(hours=1) and deadline.due_at == T0 + timedelta(days=30)
    waiting = {member.decode(): score for member, score in redis_client.zrange(WAITING, 0, -1, withscores=True)}
    assert waiting == {str(wait.id): pytest.approx((wait.due_at + NOT_BEFORE).timestamp(), abs=1e-6),
                       str(deadline.id): pytest.approx((deadline.due_at + NOT_BEFORE).timestamp(), abs=1e-6)}


def test_an_early_job_reschedules_and_a_late_one_fires_once(store, started, clock):
    wait = timer(store, "wait")
    clock.move_to(T0 + timedelta(minutes=30))
    assert fire_timer(wait.id) == "not due"
    clock.move_to(T0 + timedelta(hours=5))
    assert fire_timer(wait.id) == "fired"
    assert fire_timer(wait.id) == "gone"
    wait = timer(store, "wait")
    assert wait.state == TimerState.FIRED and wait.fired_at == T0 + timedelta(hours=5)
    assert runs_after_timer(store) == 1


def test_a_lease_keeps_a_second_worker_out_until_it_expires(store, started, clock):
    wait = timer(store, "wait")
    clock.move_to(T0 + timedelta(hours=2))
    assert durable.claim(store, wait.id, "worker-that-died")
    store.commit()
    assert fire_timer(wait.id) == "gone" and timer(store, "wait").state == TimerState.PENDING
    clock.move_to(T0 + timedelta(hours=2) + durable.LEASE + timedelta(seconds=1))
    assert fire_timer(wait.id) == "fired"
    assert runs_after_timer(store) == 1


def test_a_failing_job_backs_off_and_succeeds_on_retry(store, started, clock):
    flaky.FAILURES["left"] = 2
    wait = timer(store, "wait")
    moment = T0 + timedelta(hours=2)
    clock.move_to(moment)
    assert fire_timer(wait.id) == "retry in 5 s"
    assert fire_timer(wait.id) == "gone", "held during the back-off"
    assert wait.id not in [timer_id for timer_id, _ in durable.due_unleased(store, reconciler.GRACE)]
    clock.move_to(moment + timedelta(seconds=6))
    assert fire_timer(wait.id) == "retry in 30 s"
    clock.move_to(moment + timedelta(seconds=40))
    assert fire_timer(wait.id) == "fired"
    wait = timer(store, "wait")
    assert wait.state == TimerState.FIRED and wait.attempts == 3 and wait.last_error == "step"
    assert runs_after_timer(store) == 1


def fail_until_incident(timer_id: int, clock) -> list[str]:
    outcomes, moment = [], T0 + timedelta(hours=2)
    for _ in range(durable.MAX_ATTEMPTS):
        clock.move_to(moment)
        outcomes.append(fire_timer(timer_id))
        moment += timedelta(minutes=10)
    return outcomes


def test_a_job_failing_always_becomes_an_incident_that_an_admin_retries(app, store, started, clock):
    flaky.FAILURES["left"] = 99
    wait = timer(store, "wait")
    assert fail_until_incident(wait.id, clock) == ["retry in 5 s", "retry in 30 s", "retry in 120 s",
                                                            "failed"]
    instance = store.get(ProcessInstance, started)
    store.refresh(instance)
    assert timer(store, "wait").state == TimerState.FAILED
    assert instance.status == InstanceStatus.INCIDENT
    assert json.loads(instance.incident) == {"timer": "wait", "attempts": 4, "cause": "step"}, "no program names"

    admin = app.test_client()
    login(admin, ADMIN)
    shown = admin.get(f"/instances/{started}").get_data(as_text=True)
    assert "Incident: Termijn &#39;Wachten&#39; faalde 4 keer: een stap van het proces liep fout." in shown
    page = admin.get("/admin/timers").get_data(as_text=True)
    assert "Incidenten" in page and "een stap van het proces liep fout" in page and "RuntimeError" not in page
    admin.post("/language", data={"lang": "en", "next": "/inbox", "csrf_token": csrf_token(page)})
    shown = admin.get(f"/instances/{started}").get_data(as_text=True)
    assert "Incident: Timer &#39;Wachten&#39; failed 4 times: a step of the process failed." in shown
    admin.post("/language", data={"lang": "nl", "next": "/inbox", "csrf_token": csrf_token(shown)})
    flaky.FAILURES["left"] = 0
    assert admin.post(f"/admin/timers/{wait.id}/retry", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert timer(store, "wait").state == TimerState.PENDING and timer(store, "wait").attempts == 0
    assert fire_timer(wait.id) == "fired"
    store.refresh(instance)
    assert instance.status == InstanceStatus.RUNNING and instance.incident is None


def test_a_failure_is_stored_as_what_it_ran_into_not_as_the_programs_names():
    from psycopg import OperationalError as DriverError
    from redis.exceptions import ConnectionError as RedisDown
    from sqlalchemy.exc import OperationalError

    from app.engine.errors import ProcessFailed

    def wrapped(cause: BaseException) -> ProcessFailed:
        failed = ProcessFailed("a step failed")
        failed.__cause__ = cause
        return failed

    assert durable.failure_kind(wrapped(RuntimeError("x"))) == "step"
    assert durable.failure_kind(OperationalError("SELECT 1", {}, DriverError("down"))) == "database"
    assert durable.failure_kind(wrapped(RedisDown("down"))) == "connection"
    assert durable.failure_kind(TimeoutError()) == "connection"
    assert durable.failure_kind(KeyError("x")) == "unexpected"


def test_completing_a_task_cancels_its_boundary_timer_and_job(app, store, started, redis_client):
    deadline = timer(store, "deadline")
    follow_up = store.scalar(select(Task).where(Task.spec_name == "follow_up", Task.state == TaskState.READY))
    with app.app_context():
        services.complete_task(db.session(), user(db.session(), OMG_SECRETARY), follow_up.id, {"wait_for": "PT1M"})
        db.session().commit()
    db.session.remove()
    assert timer(store, "deadline").state == TimerState.CANCELLED
    assert str(deadline.id).encode() not in redis_client.zrange(WAITING, 0, -1)
    assert fire_timer(deadline.id) == "gone"


def test_fire_now_from_the_admin_page(app, store, started, clock):
    deadline = timer(store, "deadline")
    admin = app.test_client()
    login(admin, ADMIN)
    page = admin.get("/admin/timers").get_data(as_text=True)
    assert admin.post(f"/admin/timers/{deadline.id}/fire-now",  # confirmed as the page's button does
                      data={"csrf_token": csrf_token(page), "confirmed": "1",
                            "due": deadline.due_at.isoformat()}).status_code == 302
    clock.move_to(T0 + timedelta(seconds=1))
    assert fire_timer(deadline.id) == "fired"
    follow_up = store.scalar(select(Task.state).where(Task.spec_name == "follow_up"))
    assert follow_up == TaskState.CANCELLED  # the interrupting boundary timer ended the task


def test_the_reconciler_puts_back_an_overdue_timer_whose_job_was_lost(store, started, clock, redis_client):
    wait, deadline = timer(store, "wait"), timer(store, "deadline")

    def waiting() -> set[str]:
        return {member.decode() for member in redis_client.zrange(WAITING, 0, -1)}

    reconciler.reconcile()  # a first round marks Redis as holding the timers
    redis_client.zrem(WAITING, str(wait.id))  # its job is lost (a worker died between taking it and enqueueing)
    clock.move_to(T0 + timedelta(minutes=59))
    assert reconciler.reconcile() == 0, "not overdue yet"
    clock.move_to(T0 + timedelta(hours=1, seconds=2))
    assert reconciler.reconcile() == 1 and str(wait.id) in waiting(), "back in the waiting set, for a dispatcher"
    assert dispatcher.dispatch_due() == 1
    assert reconciler.reconcile() == 0, "its batch job is queued: not put back twice"
    assert fire_timer(wait.id) == "fired"
    assert reconciler.reconcile() == 0


def test_after_redis_lost_its_data_the_reconciler_puts_back_every_pending_timer(store, started, clock, redis_client):
    wait, deadline = timer(store, "wait"), timer(store, "deadline")
    reconciler.reconcile()
    redis_client.flushdb()  # even the timers not due for a month are gone from Redis
    assert reconciler.reconcile() == 2
    scores = dict(redis_client.zrange(WAITING, 0, -1, withscores=True))
    assert scores == {str(wait.id).encode(): pytest.approx((wait.due_at + NOT_BEFORE).timestamp(), abs=1e-6),
                      str(deadline.id).encode(): pytest.approx((deadline.due_at + NOT_BEFORE).timestamp(), abs=1e-6)}
    assert reconciler.reconcile() == 0, "once marked, only lost jobs of overdue timers are put back"


