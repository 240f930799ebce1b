"""Durable timers under faults (issue 3): real PostgreSQL, the real test Redis (db 13) and real `vertrouwd worker`
processes (`python -m app.cli worker`: SimpleWorker + RQ scheduler + reconciler thread).

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

import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

import tests.integration.timer_services as test_services  # registers test.flaky / test.broken in this process
from app.db import db
from app.engine import timers as durable
from app.models import InstanceStatus, ProcessInstance, Timer, TimerState
from app.workflow import services
from tests.helpers import ADMIN, OMG_SECRETARY, csrf_token, entity, login, user
from tests.integration.timer_support import (
    QUEUE,
    automatic_step_runs,
    completed_events,
    deploy_fanout,
    fresh_session,
    start_worker,
    timer_counts,
    wait_for,
    worker_ready,
)
from workers.jobs import fire_timer

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SCHEDULED = f"rq:scheduled:{QUEUE}"
SCHEDULER_LOCK = f"rq:scheduler-lock:{QUEUE}"
PERIOD = 2  # RECONCILE_SECONDS of the workers that must catch up (the default is 5)
MARGIN = 3.0  # seconds on top of reconciler period + GRACE for start-up, polling and firing on a 2-core box


@pytest.fixture
def timer_app(pg_app, redis_client):
    """The app on a fresh PostgreSQL database, the test Redis db flushed; workers are stopped at the end."""
    workers = []
    pg_app.extensions["timer_fault_workers"] = workers
    yield pg_app
    for worker in workers:
        worker.stop()
    db.session.remove()


def spawn(app, pg_database_url, redis_url, tmp_path, name, redis_client, **kwargs):
    worker = start_worker(pg_database_url, redis_url, tmp_path / f"{name}.log", **kwargs)
    app.extensions["timer_fault_workers"].append(worker)
    assert wait_for(lambda: worker_ready(redis_client, worker) or worker.process.poll() is not None, 20), \
        f"worker {name} did not start:\n{worker.output()}"
    assert worker.process.poll() is None, f"worker {name} died at start:\n{worker.output()}"
    return worker


def start_instances(app, process_id: str, branches: int, instances: int, durations,
                    service: str | None = None) -> list[int]:
    """Deploy the fan-out model (with ``service`` between each timer and its script) and start ``instances``
    through the service layer; ``durations(k)`` gives the per-branch durations in seconds for instance k."""
    with app.app_context():
        session = db.session()
        deploy_fanout(session, process_id, branches, service=service)
        secretary, omg = user(session, OMG_SECRETARY), entity(session, "OMG")
        ids = []
        for k in range(instances):
            data = {f"d{i}": f"PT{seconds}S" for i, seconds in enumerate(durations(k))}
            ids.append(services.start_process(session, secretary, process_id, omg, data).id)
            session.commit()
    db.session.remove()
    return ids


def all_timers_done(expected: int) -> bool:
    counts = timer_counts(fresh_session())
    return counts.get(TimerState.FIRED, 0) + counts.get(TimerState.FAILED, 0) >= expected


def assert_each_fired_once(instance_ids: list[int], branches: int) -> list[Timer]:
    """Every timer row fired (exactly once: attempts 1), every step after a timer ran once, every instance
    completed once."""
    session = fresh_session()
    timers = list(session.scalars(select(Timer).where(Timer.instance_id.in_(instance_ids))))
    assert len(timers) == len(instance_ids) * branches
    assert {t.state for t in timers} == {TimerState.FIRED}, timer_counts(session)
    assert [t.id for t in timers if t.attempts != 1] == [], "a timer row was fired more than once (or failed)"
    runs = automatic_step_runs(session)
    expected = {(i, f"Na termijn {b}"): 1 for i in instance_ids for b in range(branches)}
    assert {k: v for k, v in runs.items() if k[0] in instance_ids and k[1].startswith("Na termijn")} == expected, \
        "a step after a timer ran more than once, or never"
    assert completed_events(session) == {i: 1 for i in instance_ids}
    statuses = set(session.scalars(select(ProcessInstance.status).where(ProcessInstance.id.in_(instance_ids))))
    assert statuses == {InstanceStatus.COMPLETED}
    return timers


def lateness(timers: list[Timer]) -> list[float]:
    return sorted((t.fired_at - t.due_at).total_seconds() for t in timers)


def test_sigkill_worker_with_pending_timers_another_worker_fires_all_once(
        timer_app, pg_database_url, redis_url, redis_client, tmp_path):
    first = spawn(timer_app, pg_database_url, redis_url, tmp_path, "first", redis_client)
    assert wait_for(lambda: redis_client.exists(SCHEDULER_LOCK), 15), "the first worker's scheduler took no lock"
    # 4 instances x 3 timers, due 5-7 s from now (well after the kill below).
    ids = start_instances(timer_app, "fan3", 3, 4, lambda k: (5, 6, 7))
    assert redis_client.zcard(SCHEDULED) == 12, "the jobs are scheduled in RQ after commit"

    first.kill()  # SIGKILL the worker and RQ's forked scheduler: no clean-up, the scheduler lock stays
    killed_at = datetime.now(timezone.utc)
    assert timer_counts(fresh_session()) == {TimerState.PENDING: 12}, "the kill came before any timer was due"
    dead_lock = redis_client.get(SCHEDULER_LOCK)
    assert dead_lock, "the dead scheduler's lock outlives it (TTL ~60 s)"

    second = spawn(timer_app, pg_database_url, redis_url, tmp_path, "second", redis_client, reconcile_seconds=PERIOD)
    assert wait_for(lambda: all_timers_done(12), 30), second.output()
    timers = assert_each_fired_once(ids, 3)

    # RQ's scheduler did not bring them: the second worker could not take the dead scheduler's lock (still the
    # dead one's), so its scheduler never ran. The reconciler (database-driven) enqueued them.
    assert redis_client.get(SCHEDULER_LOCK) == dead_lock
    assert "Acquired scheduler lock" not in second.output()
    assert "reconciler: enqueued" in second.output()
    late = lateness(timers)
    assert min(t.due_at for t in timers) > killed_at
    assert late[0] >= 0 and late[-1] <= PERIOD + 1 + MARGIN, late  # period + GRACE + margin


def test_flushdb_with_pending_timers_the_reconciler_restores_every_job(
        timer_app, pg_database_url, redis_url, redis_client, tmp_path):
    worker = spawn(timer_app, pg_database_url, redis_url, tmp_path, "worker", redis_client, reconcile_seconds=PERIOD)
    ids = start_instances(timer_app, "fan3", 3, 4, lambda k: (4, 5, 6))
    assert redis_client.zcard(SCHEDULED) == 12

    redis_client.flushdb()  # the test Redis db 13 only: every scheduled job, the scheduler and reconciler locks
    assert redis_client.zcard(SCHEDULED) == 0 and not redis_client.keys("rq:job:*")
    assert timer_counts(fresh_session()) == {TimerState.PENDING: 12}, "flushed before any timer was due"

    assert wait_for(lambda: all_timers_done(12), 30), worker.output()
    timers = assert_each_fired_once(ids, 3)
    assert worker.process.poll() is None, f"the worker died after the flush:\n{worker.output()}"
    late = lateness(timers)
    assert late[0] >= 0 and late[-1] <= PERIOD + 1 + MARGIN, late


def test_two_workers_on_the_same_due_timers_fire_each_exactly_once(
        timer_app, pg_database_url, redis_url, redis_client, tmp_path):
    # Reconciling every second adds duplicate jobs for whatever is overdue; on top of that every timer gets a
    # second job of its own (another id), due at the same second, so both workers race for the same timers and
    # for the same instance rows (two of the three timers of an instance are due together).
    workers = [spawn(timer_app, pg_database_url, redis_url, tmp_path, f"w{n}", redis_client, reconcile_seconds=1)
               for n in (1, 2)]
    ids = start_instances(timer_app, "fan3", 3, 10, lambda k: (4 + k % 3, 4 + k % 3, 5 + k % 3))
    from workers.jobs import fire_timer as job
    from workers.scheduling import run_at
    from workers import connection

    queue = connection.queue()
    session = fresh_session()
    for timer in session.scalars(select(Timer)):
        queue.enqueue_at(run_at(timer.due_at), job, timer.id, job_id=f"duplicate-{timer.id}")
    db.session.remove()
    assert redis_client.zcard(SCHEDULED) == 60

    assert wait_for(lambda: all_timers_done(30), 30), "\n".join(w.output() for w in workers)
    # Let the duplicates drain too, then look again: a late duplicate must not fire anything either.
    assert wait_for(lambda: redis_client.zcard(SCHEDULED) == 0 and redis_client.llen(f"rq:queue:{QUEUE}") == 0, 15)
    wait_for(lambda: all(w.output().count("Job OK") + 0 >= 1 for w in workers), 5)
    assert_each_fired_once(ids, 3)
    for w in workers:
        assert "Traceback" not in w.output(), w.output()
    ran = [w.output().count("Job OK") for w in workers]
    assert all(n >= 1 for n in ran), f"both workers must have run jobs: {ran}"


def timer_row(timer_id: int) -> Timer:
    return fresh_session().get(Timer, timer_id)


def only_timer(instance_id: int) -> Timer:
    return fresh_session().scalar(select(Timer).where(Timer.instance_id == instance_id))


def test_a_job_failing_twice_succeeds_on_the_third_attempt(
        timer_app, pg_database_url, redis_url, redis_client, tmp_path):
    worker = spawn(timer_app, pg_database_url, redis_url, tmp_path, "worker", redis_client, reconcile_seconds=PERIOD)
    [instance_id] = start_instances(timer_app, "flaky1", 1, 1, lambda k: (1,), service="test.flaky")
    timer_id = only_timer(instance_id).id

    # Real: attempt 1 in the worker, a 5 s back-off, attempt 2 in the worker again (rescheduled through RQ).
    assert wait_for(lambda: timer_row(timer_id).attempts >= 1, 15), worker.output()
    first = timer_row(timer_id)
    assert first.state == TimerState.PENDING and first.lease_owner == "backoff"
    assert first.last_error == "FlakyServiceError (poging 1)"
    assert wait_for(lambda: timer_row(timer_id).attempts >= 2, 15), worker.output()
    worker.stop()
    second = timer_row(timer_id)
    assert second.state == TimerState.PENDING and second.last_error == "FlakyServiceError (poging 2)"
    assert 5 <= (second.lease_expires_at - first.lease_expires_at).total_seconds() < 5 + 30 + MARGIN
    assert redis_client.get(test_services.calls_key("flaky", instance_id)) == b"2"

    # Moved: the 30 s back-off. The job function itself runs here, with the clock just past the back-off.
    with time_machine.travel(second.lease_expires_at + timedelta(seconds=1), tick=True):
        with timer_app.app_context():
            assert fire_timer(timer_id) == "fired"
    fired = timer_row(timer_id)
    assert fired.state == TimerState.FIRED
    assert fired.attempts == 3, "two failed attempts and the one that fired"
    assert fired.last_error == "FlakyServiceError (poging 2)", "the last error is kept"
    assert fresh_session().get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
    assert automatic_step_runs(fresh_session())[(instance_id, "Na termijn 0")] == 1
    assert redis_client.get(test_services.calls_key("flaky", instance_id)) == b"3"


def test_a_job_failing_always_becomes_an_incident_and_an_admin_retry_fires_it(
        timer_app, pg_database_url, redis_url, redis_client, tmp_path):
    worker = spawn(timer_app, pg_database_url, redis_url, tmp_path, "worker", redis_client, reconcile_seconds=PERIOD)
    [instance_id] = start_instances(timer_app, "broken1", 1, 1, lambda k: (1,), service="test.broken")
    timer_id = only_timer(instance_id).id

    # Real: attempt 1 in the worker.
    assert wait_for(lambda: timer_row(timer_id).attempts >= 1, 15), worker.output()
    worker.stop()
    # Moved: the back-offs of 5, 30 and 120 s; attempts 2-4 run the job function here.
    outcomes = []
    for _ in range(durable.MAX_ATTEMPTS - 1):
        row = timer_row(timer_id)
        with time_machine.travel(row.lease_expires_at + timedelta(seconds=1), tick=True):
            with timer_app.app_context():
                outcomes.append(fire_timer(timer_id))
    assert outcomes == ["retry in 30 s", "retry in 120 s", "failed"]
    failed = timer_row(timer_id)
    assert failed.state == TimerState.FAILED and failed.attempts == durable.MAX_ATTEMPTS == 4
    assert failed.last_error == "FlakyServiceError (poging 4)"
    instance = fresh_session().get(ProcessInstance, instance_id)
    assert instance.status == InstanceStatus.INCIDENT
    assert "FlakyServiceError" in instance.incident and "4" in instance.incident
    db.session.remove()

    # The admin repairs what the service needs, then retries from the admin page (real POST, real worker).
    redis_client.set(test_services.fixed_key(), "1")
    admin = timer_app.test_client()
    login(admin, ADMIN)
    page = admin.get("/admin/timers").get_data(as_text=True)
    assert "FlakyServiceError" in page
    response = admin.post(f"/admin/timers/{timer_id}/retry", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db.session.remove()
    retried = timer_row(timer_id)
    assert retried.state == TimerState.PENDING and retried.attempts == 0
    assert fresh_session().get(ProcessInstance, instance_id).status == InstanceStatus.RUNNING
    assert redis_client.llen(f"rq:queue:{QUEUE}") >= 1, "the retry put the job on the queue"

    started = time.monotonic()
    again = spawn(timer_app, pg_database_url, redis_url, tmp_path, "again", redis_client)  # default period (5 s)
    assert wait_for(lambda: timer_row(timer_id).state == TimerState.FIRED, 20), again.output()
    assert time.monotonic() - started < 5 + 1, "the enqueued job, not the reconciler, fired it"
    instance = fresh_session().get(ProcessInstance, instance_id)
    assert instance.status == InstanceStatus.COMPLETED and instance.incident is None
    assert automatic_step_runs(fresh_session())[(instance_id, "Na termijn 0")] == 1
