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
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

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
    automatic_step_runs,
    completed_events,
    deploy_fanout,
    fresh_session,
    start_worker,
    timer_counts,
    timer_rows_not_fired,
    wait_for,
    worker_ready,
)
from workers import connection
from workers.jobs import fire_timer
from workers.scheduling import job_id, timers_key

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PERIOD = 2  # RECONCILE_SECONDS of the workers that must catch up (the default is 5)
MARGIN = 3.0  # seconds on top of reconciler period + GRACE for start-up, polling and firing on a 2-core box


class Faults:
    """One test's world: the app on a fresh PostgreSQL database, a queue of its own on the test Redis db 13 (other
    test runs on this machine use db 13 and the queue 'vertrouwd-test' at the same time: their workers would take
    our jobs and ours theirs), its worker processes (stopped at the end), and a sentinel key that tells whether
    somebody else flushed db 13 meanwhile (then checks of Redis' own state are moot; the database checks hold)."""

    def __init__(self, app, database_url, redis_url, redis_client, tmp_path):
        self.app, self.database_url, self.redis_url, self.redis, self.tmp_path = \
            app, database_url, redis_url, redis_client, tmp_path
        self.queue = f"vertrouwd-faults-{uuid.uuid4().hex[:10]}"
        self.scheduled = timers_key(self.queue)  # timer id -> due time, until a dispatcher enqueues it
        self.rq_scheduled = f"rq:scheduled:{self.queue}"  # RQ's own (mail retries, the duplicates below)
        self.sentinel = f"vertrouwd-test:faults-sentinel:{self.queue}"
        connection.configure(replace(connection.settings(), rq_queue=self.queue))  # this process schedules here
        self.workers = []
        self.plant_sentinel()

    def plant_sentinel(self) -> None:
        self.redis.set(self.sentinel, "1")

    def redis_undisturbed(self) -> bool:
        return bool(self.redis.exists(self.sentinel))

    def queued(self) -> int:
        return self.redis.llen(f"rq:queue:{self.queue}")

    def spawn(self, name: str, **kwargs):
        worker = start_worker(self.database_url, self.redis_url, self.tmp_path / f"{name}.log", queue=self.queue,
                              extra_env={test_services.ENV: str(self.tmp_path)}, **kwargs)
        self.workers.append(worker)
        assert wait_for(lambda: worker_ready(self.redis, worker) or worker.process.poll() is not None, 20), \
            f"worker {name} did not start:\n{worker.output()}"
        assert worker.process.poll() is None, f"worker {name} died at start:\n{worker.output()}"
        return worker

    def logs(self) -> str:
        return "\n".join(f"--- {w.log_path.name}\n{w.output()[-6000:]}" for w in self.workers)


@pytest.fixture
def faults(pg_app, pg_database_url, redis_url, redis_client, tmp_path, monkeypatch):
    monkeypatch.setenv(test_services.ENV, str(tmp_path))
    settings = connection.settings()
    world = Faults(pg_app, pg_database_url, redis_url, redis_client, tmp_path)
    yield world
    for worker in world.workers:
        worker.stop()
    connection.configure(settings)
    db.session.remove()


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


def all_timers_settled(expected: int) -> bool:
    """No timer pending any more (fired, failed, or cancelled)."""
    counts = timer_counts(fresh_session())
    return sum(counts.values()) >= expected and counts.get(TimerState.PENDING, 0) == 0


def assert_each_fired_once(instance_ids: list[int], branches: int, tolerate_clobbered: bool = False) -> list[Timer]:
    """Every timer row fired (exactly once: FIRE_TIMER counts the attempt, and there were no failures), every
    step after a timer ran once, every instance completed once.

    ``tolerate_clobbered``: kept for diagnosis; with the timer re-read under the instance lock no row that fired is
    overwritten any more (test_a_timer_fired_meanwhile_by_the_instance_lock_holder_stays_fired)."""
    session = fresh_session()
    timers = list(session.scalars(select(Timer).where(Timer.instance_id.in_(instance_ids))))
    assert len(timers) == len(instance_ids) * branches
    clobbered = {TimerState.CANCELLED} if tolerate_clobbered else set()
    assert [t.id for t in timers if t.fired_at is None] == [], timer_counts(session)
    assert {t.state for t in timers} <= {TimerState.FIRED} | clobbered, timer_rows_not_fired(session)
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


def timer_row(timer_id: int) -> Timer:
    return fresh_session().get(Timer, timer_id)


def only_timer(instance_id: int) -> Timer:
    return fresh_session().scalar(select(Timer).where(Timer.instance_id == instance_id))


def test_a_job_failing_twice_succeeds_on_the_third_attempt(faults):
    worker = faults.spawn("worker", reconcile_seconds=PERIOD)
    [instance_id] = start_instances(faults.app, "flaky1", 1, 1, lambda k: (1,), service="test.flaky")
    timer_id = only_timer(instance_id).id

    # Real: attempt 1 in the worker, the 5 s back-off, attempt 2 in the worker again (its rescheduled job).
    assert wait_for(lambda: timer_row(timer_id).attempts >= 1, 15), worker.output()
    first = timer_row(timer_id)
    assert first.state == TimerState.PENDING and first.lease_owner == "backoff"
    assert first.last_error == "FlakyServiceError (poging 1)"
    assert wait_for(lambda: timer_row(timer_id).attempts >= 2, 15), worker.output()
    worker.stop()
    second = timer_row(timer_id)
    assert second.state == TimerState.PENDING and second.last_error == "FlakyServiceError (poging 2)"
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
    assert fired.last_error == "FlakyServiceError (poging 2)", "the last error is kept"
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
        with time_machine.travel(row.lease_expires_at + timedelta(seconds=1), tick=True), faults.app.app_context():
            outcomes.append(fire_timer(timer_id))
    assert outcomes == ["retry in 30 s", "retry in 120 s", "failed"]
    failed = timer_row(timer_id)
    assert failed.state == TimerState.FAILED and failed.attempts == durable.MAX_ATTEMPTS == 4
    assert failed.last_error == "FlakyServiceError (poging 4)"
    assert failed.lease_owner is None
    instance = fresh_session().get(ProcessInstance, instance_id)
    assert instance.status == InstanceStatus.INCIDENT
    assert "FlakyServiceError" in instance.incident and "4 keer" in instance.incident
    db.session.remove()

    # The admin repairs what the service needs, then retries from the admin page (real POST, real worker: it
    # runs before the retry, its reconciler with a 60 s period so that only the retry's job can fire the timer).
    again = faults.spawn("again", reconcile_seconds=60)
    test_services.fix_broken()
    admin = faults.app.test_client()
    login(admin, ADMIN)
    page = admin.get("/admin/timers").get_data(as_text=True)
    assert "FlakyServiceError" in page
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


# --- bugs these tests found, fixed since: regression tests ---------------------------------------------------------

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
        durable._locked_instance(holder, instance_id)  # worker 1 holds the instance row ...
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
