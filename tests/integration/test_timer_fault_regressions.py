"""Regression tests for bugs the timer fault tests found (fixed since), on the same real PostgreSQL, Redis and
worker processes as tests/integration/test_timer_faults.py."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

import tests.integration.timer_services as test_services  # registers test.flaky / test.broken in this process
from app.db import db
from app.engine import timers as durable
from app.models import InstanceStatus, ProcessInstance, Timer, TimerState
from tests.integration.fault_support import (
    MARGIN,
    PERIOD,
    only_timer,
    start_instances,
    timer_row,
)
from tests.integration.timer_support import (
    automatic_step_runs,
    completed_events,
    fresh_session,
    wait_for,
)
from workers import connection
from workers.jobs import fire_timer
from workers.scheduling import job_id

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_a_timer_fired_meanwhile_by_the_instance_lock_holder_stays_fired(faults):
    import threading

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    # Two timers of one instance due together; nothing else runs (no worker): the race is set up by hand with
    # the lock order two workers hit by chance in test_two_workers_... Real PostgreSQL locks, real job function.
    [instance_id] = start_instances(faults.app, "fan2", 2, 1, lambda k: (1, 1))
    first, second = fresh_session().scalars(select(Timer).order_by(Timer.id)).all()
    db.session.remove()
    assert wait_for(lambda: datetime.now(UTC) > second.due_at + timedelta(milliseconds=50), 5)

    def waiting_for_a_lock() -> int:  # a connection of its own: pg_stat_activity is a snapshot per transaction
        with db.engine.connect() as probe:
            return probe.execute(text("SELECT count(*) FROM pg_stat_activity "
                                      "WHERE datname = current_database() AND wait_event_type = 'Lock'")).scalar()

    holder = Session(bind=db.engine, expire_on_commit=False)  # worker 1, with the job of the first timer
    try:
        durable.locked_instance(holder, instance_id)  # worker 1 holds the instance row ...
        outcome = {}
        job = threading.Thread(target=lambda: outcome.setdefault("second", fire_timer(second.id)))
        job.start()  # ... worker 2 reads the second timer PENDING and waits for the instance lock
        assert wait_for(lambda: waiting_for_a_lock() >= 1, 10), "worker 2 did not get to wait for the instance lock"
        assert durable.fire(holder, first.id, "worker-1")[0] == durable.Outcome.FIRED  # fires both, completes
        holder.commit()
        job.join(15)
        assert not job.is_alive()
    finally:
        holder.close()
    assert fresh_session().get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
    assert automatic_step_runs(fresh_session()) == {(instance_id, "Na termijn 0"): 1, (instance_id, "Na termijn 1"): 1}
    row = timer_row(second.id)
    assert row.fired_at is not None  # it did fire, once, by worker 1 ...
    assert row.state == TimerState.FIRED, f"... but worker 2 left it {row.state!r} (its job said {outcome})"


def test_a_reconciler_on_another_queue_of_the_same_redis_db_does_not_block_ours(faults):
    import threading

    from workers.reconciler import LOCK_KEY

    # Another deployment's worker (queue 'vertrouwd-other', its own database) reconciles every second on the
    # same Redis db: simulated by keeping its lock taken the way its loop does (SET NX EX 1, again each second).
    stop = threading.Event()

    def other_reconciler():
        while not stop.is_set():
            faults.redis.set(LOCK_KEY.format(queue="vertrouwd-other"), "1", nx=True, ex=1)
            stop.wait(0.2)

    other = threading.Thread(target=other_reconciler, daemon=True)
    other.start()
    try:
        worker = faults.spawn("worker", reconcile_seconds=PERIOD)
        [instance_id] = start_instances(faults.app, "fan1", 1, 1, lambda k: (1,))
        faults.redis.delete(faults.scheduled)  # its job is lost (as after a flush of this queue's keys)
        timer_id = only_timer(instance_id).id
        fired = wait_for(lambda: timer_row(timer_id).state == TimerState.FIRED, 1 + 1 + PERIOD + MARGIN)
    finally:
        stop.set()
        other.join(5)
    assert fired, f"our reconciler never ran: the other queue's worker held {LOCK_KEY}\n{worker.output()[-2000:]}"


def test_a_failed_timer_fired_by_another_timer_of_its_instance_ends_the_incident(faults):
    # No worker: the job function runs here with the clock moved (back-offs of 5, 30, 120 s; a 300 s timer).
    [instance_id] = start_instances(faults.app, "broken2", 2, 1, lambda k: (1, 300), service="test.broken")
    early, late = fresh_session().scalars(select(Timer).order_by(Timer.due_at)).all()
    db.session.remove()
    moment = early.due_at + timedelta(seconds=1)
    outcomes = []
    for _ in range(durable.MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=False), faults.app.app_context():
            outcomes.append(fire_timer(early.id))
        moment = max(moment, timer_row(early.id).lease_expires_at or moment) + timedelta(seconds=1)
    assert outcomes[-1] == "failed"
    assert fresh_session().get(ProcessInstance, instance_id).status == InstanceStatus.INCIDENT

    test_services.fix_broken()  # repaired, but nobody retried the incident yet
    with time_machine.travel(late.due_at + timedelta(seconds=1), tick=False), faults.app.app_context():
        assert fire_timer(late.id) == "fired"
    runs = automatic_step_runs(fresh_session())
    assert runs[(instance_id, "Na termijn 0")] == 1, "the failed timer's branch ran, without any retry"
    instance = fresh_session().get(ProcessInstance, instance_id)
    states = (timer_row(early.id).state, instance.status, completed_events(fresh_session()).get(instance_id))
    assert states == (TimerState.FIRED, InstanceStatus.COMPLETED, 1), \
        f"(failed timer row, instance status, 'completed' events) = {states}: the tables contradict the workflow"


def test_the_reconciler_does_not_enqueue_again_a_timer_whose_job_is_still_queued(faults):
    # No worker: the timer's job is on the queue (RQ's scheduler moved it there at its time), no worker took it
    # yet; the reconciler runs in this process with the clock moved 3 s past the due time.
    [instance_id] = start_instances(faults.app, "fan1", 1, 1, lambda k: (60,))
    timer = only_timer(instance_id)
    connection.queue().enqueue(fire_timer, timer.id, job_id=job_id(timer.id))  # what the dispatcher does
    assert faults.queued() == 1
    from workers import dispatcher, reconciler

    with time_machine.travel(timer.due_at + timedelta(seconds=3), tick=False), faults.app.app_context():
        faults.redis.set(reconciler.synced_key(), "1")
        faults.redis.zrem(faults.scheduled, str(timer.id))  # the dispatcher took it
        assert reconciler.reconcile() == 0
        dispatcher.dispatch_due()
    assert faults.queued() == 1, "the reconciler put a second job for the same timer on the queue"


def test_a_job_of_another_queue_with_the_same_timer_id_does_not_hide_our_lost_job(faults):
    from rq import Queue
    from rq.serializers import JSONSerializer

    from workers import dispatcher, reconciler

    # No worker. Our timer is overdue and its job was lost; another deployment (queue 'vertrouwd-other', its own
    # database) happens to have a timer with the same id whose job waits on its queue.
    [instance_id] = start_instances(faults.app, "fan1", 1, 1, lambda k: (60,))
    timer = only_timer(instance_id)
    faults.redis.delete(faults.scheduled, f"rq:job:{job_id(timer.id)}")  # our job is lost
    other = Queue("vertrouwd-other", connection=connection.redis_connection(), serializer=JSONSerializer)
    # (Found as a bug: job ids were 'timer-<id>' whatever the queue, and RQ keeps jobs per Redis db.)
    other.enqueue(fire_timer, timer.id, job_id=job_id(timer.id).replace(faults.queue, "vertrouwd-other"))
    try:
        with time_machine.travel(timer.due_at + timedelta(seconds=3), tick=False), faults.app.app_context():
            faults.redis.set(reconciler.synced_key(), "1")
            assert reconciler.reconcile() == 1
            dispatcher.dispatch_due()
        assert faults.queued() == 1, "our reconciler did not restore our lost job"
    finally:
        other.empty()


def test_a_flush_during_a_reconciler_round_leaves_the_next_round_to_put_everything_back(faults, monkeypatch):
    # Found in CI: a round that had seen Redis intact wrote its 'synced' mark after a FLUSHDB that came while it ran,
    # so the next round took Redis for intact and restored the flushed timers only once overdue.
    from workers import reconciler

    start_instances(faults.app, "fan1", 1, 2, lambda k: (60,))
    flush_mid_round = reconciler.jobs_lost

    def jobs_lost_then_flush(timer_ids):
        faults.redis.flushdb()
        return flush_mid_round(timer_ids)

    with faults.app.app_context():
        faults.redis.set(reconciler.synced_key(), "1")
        monkeypatch.setattr(reconciler, "jobs_lost", jobs_lost_then_flush)
        with time_machine.travel(datetime.now(UTC) + timedelta(seconds=70), tick=False):
            reconciler.reconcile()
        monkeypatch.undo()
        assert not faults.redis.exists(reconciler.synced_key())
        assert reconciler.reconcile() == 2, "the next round did not put back both flushed timers"
        assert faults.redis.exists(reconciler.synced_key())
    assert faults.redis.zcard(faults.scheduled) == 2
