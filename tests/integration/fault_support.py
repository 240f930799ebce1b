"""The world of the timer fault tests (tests/integration/test_timer_faults*.py): a queue of its own, worker
processes, and the checks every fault test makes on the timer and history tables."""
from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select

import tests.integration.timer_services as test_services  # registers test.flaky / test.broken in this process
from app.db import db
from app.models import InstanceStatus, ProcessInstance, Timer, TimerState
from app.workflow import services
from tests.helpers import OMG_SECRETARY, entity, user
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
from workers.scheduling import timers_key

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


def timer_row(timer_id: int) -> Timer:
    return fresh_session().get(Timer, timer_id)


def only_timer(instance_id: int) -> Timer:
    return fresh_session().scalar(select(Timer).where(Timer.instance_id == instance_id))
