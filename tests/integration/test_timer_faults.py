"""Durable timers under faults (issue 3): real PostgreSQL, the real test Redis (db 13) and real `vertrouwd worker`
processes (`python -m workers.cli worker`: SimpleWorker + RQ scheduler + reconciler thread).

What is real and what is moved, per test:
- SIGKILL, FLUSHDB, two workers: everything real (processes, Redis, clock); timers due a few seconds ahead.
- flaky service: the first two attempts (including the real 5 s back-off, rescheduled through RQ's scheduler) run in
  a real worker; only the third attempt, after the 30 s back-off, runs `workers.jobs.fire_timer` in this process
  with the clock moved past the back-off by time-machine.
- always failing: the first attempt runs in a real worker; attempts 2-4 (back-offs 5, 30, 120 s) run
  `fire_timer` in this process with the clock moved; the admin's retry is a real POST to /admin/timers/<id>/retry
  and a real worker fires the job it enqueued.

Waits are polls with a deadline; no fixed sleeps.
"""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

import tests.integration.timer_services as test_services  # registers test.flaky / test.broken in this process
from app.db import db
from app.engine import timers as durable
from app.models import InstanceStatus, ProcessInstance, Timer, TimerState
from tests.helpers import ADMIN, csrf_token, login
from tests.integration.fault_support import (
    MARGIN,
    PERIOD,
    all_timers_done,
    all_timers_settled,
    assert_each_fired_once,
    lateness,
    only_timer,
    start_instances,
    timer_row,
)
from tests.integration.timer_support import (
    automatic_step_runs,
    fresh_session,
    timer_counts,
    timer_rows_not_fired,
    wait_for,
    worker_ready,
)
from workers import connection
from workers.jobs import fire_timer
from workers.scheduling import job_id

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_sigkill_worker_with_pending_timers_another_worker_fires_all_once(faults):
    first = faults.spawn("first")
    assert wait_for(lambda: worker_ready(faults.redis, first), 15), "the first worker did not start"
    # 4 instances x 3 timers, due 5-7 s from now (well after the kill below).
    ids = start_instances(faults.app, "fan3", 3, 4, lambda k: (5, 6, 7))
    if faults.redis_undisturbed():
        assert faults.redis.zcard(faults.scheduled) == 12, "the timers wait in Redis after commit"

    first.kill()  # SIGKILL the worker (and RQ's forked scheduler): no clean-up at all
    killed_at = datetime.now(UTC)
    assert timer_counts(fresh_session()) == {TimerState.PENDING: 12}, "the kill came before any timer was due"

    second = faults.spawn("second", reconcile_seconds=PERIOD)
    assert wait_for(lambda: all_timers_done(12), 30), f"{timer_rows_not_fired(fresh_session())}\n{faults.logs()}"
    timers = assert_each_fired_once(ids, 3)
    late = lateness(timers)
    assert min(t.due_at for t in timers) > killed_at
    # The dead worker held no lock the second one needs (RQ's scheduler lock is not on the timers' path): its
    # dispatcher enqueues them on time, from the waiting set, without the reconciler.
    assert late[0] >= 0 and late[-1] <= 1 + MARGIN, late
    assert "reconciler: enqueued" not in second.output()


def test_a_worker_killed_while_firing_leaves_nothing_held_and_the_reconciler_fires_it_again(faults):
    # No worker yet: what a SIGKILL in the middle of fire_timer leaves behind, made by hand. The firing
    # transaction was never committed (PostgreSQL rolled it back with the connection), so the row is pending and
    # unleased; in Redis the job stays 'started' for ever, since its worker is gone.
    [instance_id] = start_instances(faults.app, "fan1", 1, 1, lambda k: (1,))
    timer = only_timer(instance_id)
    faults.redis.zrem(faults.scheduled, str(timer.id))
    started = (timer.due_at + timedelta(milliseconds=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    faults.redis.hset(f"rq:job:{job_id(timer.id)}", mapping={"status": "started", "started_at": started})
    from workers import dispatcher, reconciler

    with faults.app.app_context():
        faults.redis.set(reconciler.synced_key(), "1")  # Redis did not lose its data: only this job is in doubt
        with time_machine.travel(timer.due_at + timedelta(seconds=5), tick=False):
            assert reconciler.reconcile() == 0, "a job started 5 s ago may still be running: no duplicate yet"
        with time_machine.travel(timer.due_at + reconciler.STARTED_STALE + timedelta(seconds=1), tick=False):
            assert reconciler.reconcile() == 1, "the job of a dead worker was not replaced"
            dispatcher.dispatch_due()
    assert faults.queued() == 1
    worker = faults.spawn("worker")
    assert wait_for(lambda: timer_row(timer.id).state == TimerState.FIRED, 15), worker.output()
    assert_each_fired_once([instance_id], 1)


def test_flushdb_with_pending_timers_the_reconciler_restores_every_job(faults):
    worker = faults.spawn("worker", reconcile_seconds=PERIOD)
    ids = start_instances(faults.app, "fan3", 3, 4, lambda k: (4, 5, 6))
    if faults.redis_undisturbed():
        assert faults.redis.zcard(faults.scheduled) == 12

    faults.redis.flushdb()  # the test Redis db 13 only: every scheduled job, the scheduler and reconciler locks
    faults.plant_sentinel()
    assert faults.redis.zcard(faults.scheduled) == 0 and not faults.redis.keys("rq:job:*")
    assert timer_counts(fresh_session()) == {TimerState.PENDING: 12}, "flushed before any timer was due"

    assert wait_for(lambda: all_timers_done(12), 30), f"{timer_rows_not_fired(fresh_session())}\n{faults.logs()}"
    timers = assert_each_fired_once(ids, 3)
    assert worker.process.poll() is None, f"the worker died after the flush:\n{worker.output()}"
    assert "Redis holds no timers of this queue; 12 pending timer(s) put back" in worker.output()
    late = lateness(timers)
    assert late[0] >= 0 and late[-1] <= PERIOD + 1 + MARGIN, late


def test_two_workers_on_the_same_due_timers_fire_each_exactly_once(faults):
    # 10 instances x 3 timers; two of the three timers of an instance are due in the same second, so the
    # workers race for the same instance rows. Every timer also gets a second job of its own (another job id)
    # for the same second, so both workers race for the same timer rows; reconciling every second adds
    # duplicates for whatever is overdue.
    workers = [faults.spawn(f"w{n}", reconcile_seconds=1) for n in (1, 2)]
    ids = start_instances(faults.app, "fan3", 3, 10, lambda k: (4 + k % 3, 4 + k % 3, 5 + k % 3))
    queue = connection.queue()
    for timer in fresh_session().scalars(select(Timer)):  # through RQ's own scheduler, to the second
        queue.enqueue_at(timer.due_at + timedelta(seconds=1), fire_timer, timer.id, job_id=f"duplicate-{timer.id}")
    db.session.remove()
    if faults.redis_undisturbed():
        assert faults.redis.zcard(faults.scheduled) == faults.redis.zcard(faults.rq_scheduled) == 30

    assert wait_for(lambda: all_timers_settled(30), 30), f"{timer_rows_not_fired(fresh_session())}\n{faults.logs()}"
    # Let the duplicates drain too, then look again: a late duplicate must not fire anything either.
    assert wait_for(lambda: faults.redis.zcard(faults.scheduled) + faults.redis.zcard(faults.rq_scheduled) == 0
                    and faults.queued() == 0, 15), faults.logs()
    assert_each_fired_once(ids, 3, tolerate_clobbered=False)
    ran = [w.output().count(f"Job OK ({job_id(0)[:-1]}") + w.output().count("Job OK (duplicate-") for w in workers]
    assert all(n >= 1 for n in ran), f"both workers must have run timer jobs: {ran}"
    for w in workers:
        assert "Traceback" not in w.output(), w.output()


def test_a_job_failing_twice_succeeds_on_the_third_attempt(faults):
    worker = faults.spawn("worker", reconcile_seconds=PERIOD)
    [instance_id] = start_instances(faults.app, "flaky1", 1, 1, lambda k: (1,), service="test.flaky")
    timer_id = only_timer(instance_id).id

    # Real: attempt 1 in the worker, the 5 s back-off, attempt 2 in the worker again (its rescheduled job).
    assert wait_for(lambda: timer_row(timer_id).attempts >= 1, 15), worker.output()
    first = timer_row(timer_id)
    assert first.state == TimerState.PENDING and first.lease_owner == "backoff"
    assert (first.last_error, first.attempts) == ("step", 1)
    assert wait_for(lambda: timer_row(timer_id).attempts >= 2, 15), worker.output()
    worker.stop()
    second = timer_row(timer_id)
    assert second.state == TimerState.PENDING and (second.last_error, second.attempts) == ("step", 2)
    backoff = (second.lease_expires_at - first.lease_expires_at).total_seconds()
    # (t2 + 30 s) - (t1 + 5 s): attempt 2 came 5 s (+ RQ's rounding and polling) after attempt 1 and set 30 s
    assert 30 <= backoff < 30 + MARGIN, backoff
    assert test_services.calls("flaky", instance_id) == 2

    # Moved: the 30 s back-off. The job function itself runs here, with the clock just past the back-off.
    with time_machine.travel(second.lease_expires_at + timedelta(seconds=1), tick=True), faults.app.app_context():
        assert fire_timer(timer_id) == "fired"
    fired = timer_row(timer_id)
    assert fired.state == TimerState.FIRED
    assert fired.attempts == 3, "two failed attempts and the one that fired"
    assert fired.last_error == "step", "the last error is kept"
    assert fresh_session().get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
    assert automatic_step_runs(fresh_session())[(instance_id, "Na termijn 0")] == 1
    assert test_services.calls("flaky", instance_id) == 3


def test_a_job_failing_always_becomes_an_incident_and_an_admin_retry_fires_it(faults):
    worker = faults.spawn("worker", reconcile_seconds=PERIOD)
    [instance_id] = start_instances(faults.app, "broken1", 1, 1, lambda k: (1,), service="test.broken")
    timer_id = only_timer(instance_id).id

    # Real: attempt 1 in the worker.
    assert wait_for(lambda: timer_row(timer_id).attempts >= 1, 15), worker.output()
    worker.stop()
    # Moved: the back-offs of 5, 30 and 120 s; attempts 2-4 run the job function here.
    outcomes = []
    for _ in range(durable.MAX_ATTEMPTS - 1):
        row = timer_row(timer_id)
        # On a busy machine the worker's reconciler may have released the expired back-off lease before it stopped.
        back_off_ends = row.lease_expires_at or datetime.now(UTC)
        with time_machine.travel(back_off_ends + timedelta(seconds=1), tick=True), faults.app.app_context():
            outcomes.append(fire_timer(timer_id))
    assert outcomes == ["retry in 30 s", "retry in 120 s", "failed"]
    failed = timer_row(timer_id)
    assert failed.state == TimerState.FAILED and failed.attempts == durable.MAX_ATTEMPTS == 4
    assert (failed.last_error, failed.attempts) == ("step", 4)
    assert failed.lease_owner is None
    instance = fresh_session().get(ProcessInstance, instance_id)
    assert instance.status == InstanceStatus.INCIDENT
    assert json.loads(instance.incident) == {"timer": failed.spec_name, "attempts": 4, "cause": "step"}
    db.session.remove()

    # The admin repairs what the service needs, then retries from the admin page (real POST, real worker: it
    # runs before the retry, its reconciler with a 60 s period so that only the retry's job can fire the timer).
    again = faults.spawn("again", reconcile_seconds=60)
    test_services.fix_broken()
    admin = faults.app.test_client()
    login(admin, ADMIN)
    page = admin.get("/admin/timers").get_data(as_text=True)
    assert "een stap van het proces liep fout" in page and "FlakyServiceError" not in page
    response = admin.post(f"/admin/timers/{timer_id}/retry", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db.session.remove()
    retried = timer_row(timer_id)
    assert retried.state == TimerState.PENDING and retried.attempts == 0
    assert fresh_session().get(ProcessInstance, instance_id).status == InstanceStatus.RUNNING

    started = time.monotonic()
    assert wait_for(lambda: timer_row(timer_id).state == TimerState.FIRED, 15), again.output()
    # The retry's own job fired it: the worker's reconciler ran once at its start (nothing was overdue and
    # unheld then) and not again within its 60 s period.
    assert time.monotonic() - started < 10
    assert "reconciler: enqueued" not in again.output()
    instance = fresh_session().get(ProcessInstance, instance_id)
    assert instance.status == InstanceStatus.COMPLETED and instance.incident is None
    assert automatic_step_runs(fresh_session())[(instance_id, "Na termijn 0")] == 1
    assert test_services.calls("broken", instance_id) == 5
