"""Durable timers under load (issue 3): lateness, lost and doubled timers with real worker processes.

Creates INSTANCES instances of a BPMN with a parallel gateway to BRANCHES timer events (timeDate from a start
variable per branch), each followed by a script task, then a join and the end; deployed with registry.deploy
and started through the service layer. The due times are spread uniformly over WINDOW seconds from T0, a moment
chosen after the instances are created (a pilot run measures how long creating them takes). Then real
`python -m workers.cli worker` processes (RQ SimpleWorker + scheduler + reconciler) fire them, and the figures come
from the database:

- lateness: fired_at - due_at of the timer rows (p50 / p99 / max);
- lost: timers still pending or failed at T0 + WINDOW + reconciler period + MARGIN, and (end) once the backlog
  stopped firing: none fired for LEASE + a reconciler period + 5 s (a timer in flight in a killed worker keeps
  its lease), or BACKLOG_CAP passed;
- doubled: steps after a timer ('Na termijn i', history kind 'automatic') that ran more than once per instance.

Scenarios: one worker; two workers; and with faults: halfway through, one worker is SIGKILLed (with RQ's
scheduler: its process group) and the test Redis db is flushed, and a fresh worker is started right after
(with one and with two workers at the start). `two-workers-pg-restart` (only when named in --scenarios, never in CI)
restarts the local PostgreSQL server halfway (`pg_ctlcluster --skip-systemctl-redirect <version> main restart`: every
database on it loses its connections for a few seconds) while a logged-in browser asks the inbox: the workers must
go on by themselves, and the page must answer 503 "try again", never a 500 (bench/timers_restart.py). The report
also gives the CPU per fired timer of the workers and of the database's PostgreSQL backends (from /proc).

First, the firing cost (issue 10; bench/timers_cost.py, --cost-instances 0 skips it): the worker's job in this
process, one timer per job and in the dispatcher's batches, against raw SpiffWorkflow doing the same firings in
memory (deserialize, refresh_timers, do_engine_steps, serialize), with the ratio ours/raw; --profile stages (or
cprofile) shows where ours goes.

PostgreSQL required: a scratch database is created on the server of DATABASE_URL (or the default local one)
and dropped at the end. Redis: the tests' db 13 (REDIS_URL's server), each scenario on a queue of its own; the
fault scenarios flush db 13 (only it). Other test runs on a shared machine flush db 13 too (the report says
when that happened during a scenario): --redis-db N runs on another, otherwise unused db, where the fault
deletes only this run's keys instead of flushing.

    .venv/bin/python bench/timers.py [--instances 1000] [--branches 10] [--window 60] [--period 5]
                                     [--scenarios one-worker,two-workers,...] [--redis-db 13]
                                     [--cost-instances 100] [--profile none|stages|cprofile]

About 7 minutes for the four scenarios at the defaults on 2 cores (+ 1 for the cost, + 2 for the restart).

Figures (issue 10, 2 cores shared with four other engineers' test runs; load averages from `uptime`; main = the
code before the batches, run in the same window).
Firing cost, `--redis-db 8 --scenarios "" --profile stages` (load 2.4-3.1): raw SpiffWorkflow 4.6 ms CPU per firing
(mean); ours one timer per job 6.4 ms + 1.3 ms PostgreSQL: ratio 1.65 (wall median 1.92); in the dispatcher's
batches 4.5 + 0.8 ms: ratio 1.14 (wall median 1.36). Where the batched 4.5 ms go: SpiffWorkflow's own work 3.1
(deserialize 1.2, refresh and steps 1.4, serialize 0.6), timer rows 0.3, history 0.3, the rest (lock, claim and
commit once per batch) 0.2. An earlier run (load 0.9-2.0): ratios 1.89 one per job, 1.22 batched. Before this work
one timer per job cost 6.6 ms CPU: lock-and-read 1.1 (an ORM statement built per call), claim 0.6, and a round trip
to PostgreSQL and a commit per timer.
`--redis-db 8 --scenarios two-workers`, alternating with main: main p99 19.4 s (load 2.6-4.1) and 8.6 s (3.2-3.7),
132 and 146 fired/s, 7 late at the deadline once; this code p99 0.48 s (3.2-4.1) and 0.49 s (2.9-3.7), p50 0.09 s,
165 fired/s (the due rate), 0 lost, 0 doubled, 5.7-5.9 ms worker CPU + 1.1 ms PostgreSQL per timer (the workers'
whole run: dispatcher, reconciler, RQ). All five scenarios in one run (load 2.0-3.6, busier): p99 4.7 s (one worker,
155 fired/s; main earlier ~101/s, p99 38 s), 5.3 s (two: disturbed, see the runs above), 2.1 s and 4.8 s with SIGKILL
and Redis loss, 2.1 s with the PostgreSQL restart (at 03:43:25 UTC, 3.5 s; the inbox meanwhile 19 x 503 "try
again", 32 x 200, no 500, working again at once); every scenario 0 lost, 0 doubled.
"""
from __future__ import annotations

import argparse
import logging
import math
import os
import random
import re
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis
from sqlalchemy import func, select, text

from app.db import db
from app.engine.timers import LEASE
from app.models import HistoryEvent, Timer, TimerState
from app.workflow import services
from tests.conftest import (
    DEFAULT_REDIS,
    TEST_REDIS_DB,
    _create_pg_database,
    _drop_pg_database,
    _migrate,
    _pg_server_url,
    build_app,
)
from tests.helpers import OMG_SECRETARY, entity, user
from tests.integration.timer_support import (
    deploy_fanout,
    deploy_reminders,
    start_worker,
    wait_for,
    worker_ready,
)
from bench import timers_cost, timers_restart
from workers import connection

PROCESS = "bench_timers"
MARGIN = 10.0  # seconds after WINDOW + reconciler period before counting what is still pending as lost
LEAD = 4.0  # workers start this long before T0
BACKLOG_CAP = 600.0  # seconds to wait at most, after the deadline, for a backlog that still fires


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def bench_redis_url(db_number: int) -> str:
    base = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    return re.sub(r"/\d*$", "", base.rstrip("/")) + f"/{db_number}"


def delete_run_keys(client: redis.Redis, queue: str) -> int:
    """Delete this run's keys: everything named after its queue and the jobs that belong to it."""
    doomed = list(client.scan_iter(f"*{queue}*", count=1000))
    for key in client.scan_iter("rq:job:*", count=1000):
        if client.hget(key, "origin") == queue.encode():
            doomed.append(key)
    for start in range(0, len(doomed), 500):
        client.delete(*doomed[start:start + 500])
    return len(doomed)


def lose_redis_data(client: redis.Redis, queue: str) -> str:
    """The fault 'Redis lost its data': FLUSHDB on the tests' db 13. On any other db (--redis-db, e.g. to keep
    other test runs on this machine, which flush db 13 all the time, out of the figures) only this run's keys
    go; that db itself is never flushed."""
    if client.connection_pool.connection_kwargs.get("db") == TEST_REDIS_DB:
        client.flushdb()
        return "FLUSHDB"
    return f"deleted this run's {delete_run_keys(client, queue)} Redis keys"


@dataclass
class Result:
    name: str
    timers: int
    lateness: list[float] = field(default_factory=list)
    lost_at_deadline: int = 0
    lost_at_end: int = 0
    doubled: int = 0
    clobbered: int = 0
    jobs_run: int = 0
    reconciler_enqueued: int = 0
    setup_seconds: float = 0.0
    backlog_seconds: float = 0.0
    fired_per_second: float = 0.0
    last_fired_after_t0: float = 0.0
    redis_disturbed: bool = False
    worker_cpu: float = 0.0  # CPU seconds of the worker processes (and their RQ schedulers) from T0 - LEAD on
    server_cpu: float = 0.0  # of the PostgreSQL backends serving the bench's database (see CpuMeter)
    notes: list[str] = field(default_factory=list)

    def quantile(self, q: float) -> float:
        if not self.lateness:
            return float("nan")
        return self.lateness[max(0, math.ceil(q * len(self.lateness)) - 1)]


def create_instances(session, count: int, branches: int, t0: datetime, window: float, rng: random.Random) -> None:
    secretary, omg = user(session, OMG_SECRETARY), entity(session, "OMG")
    for k in range(count):
        data = {f"due{i}": iso(t0 + timedelta(seconds=rng.uniform(0, window))) for i in range(branches)}
        services.start_process(session, secretary, PROCESS, omg, data)
        session.commit()
        if k % 100 == 99:
            db.session.remove()
            session = db.session()
            secretary, omg = user(session, OMG_SECRETARY), entity(session, "OMG")


def deploy_shape(session, shape: str, branches: int) -> None:
    if shape == "fanout":
        deploy_fanout(session, PROCESS, branches, timer="date")
    else:
        deploy_reminders(session, PROCESS, branches)


def measure_creation(database_url: str, redis_url: str, branches: int, queue: str, shape: str,
                     pilot: int = 30) -> float:
    """Seconds per instance, from a pilot in a database emptied again afterwards."""
    app = build_app(database_url, redis_url, Path(tempfile.mkdtemp()))
    connection.configure(replace(connection.settings(), rq_queue=queue))
    with app.app_context():
        session = db.session()
        deploy_shape(session, shape, branches)
        started = time.perf_counter()
        create_instances(session, pilot, branches, datetime.now(UTC) + timedelta(days=1), 60, random.Random(0))
        per_instance = (time.perf_counter() - started) / pilot
    db.session.remove()
    return per_instance


def branch_states(session, instance_id: int, timer_spec: str) -> dict[str, list[str]]:
    """The SpiffWorkflow states of the tasks of one branch (the timer, its script) and of the join, as saved."""
    from SpiffWorkflow.util.task import TaskState

    from app.engine.runner import load
    from app.models import ProcessInstance

    workflow = load(session.get(ProcessInstance, instance_id))
    branch = timer_spec.removeprefix("wait")
    wanted = {f"wait{branch}", f"after{branch}", "join"}
    found: dict[str, list[str]] = {}
    for task in workflow.get_tasks():
        if task.task_spec.name in wanted:
            found.setdefault(task.task_spec.name, []).append(TaskState.get_name(task.state))
    return found


def counts(session) -> dict[str, int]:
    return dict(session.execute(select(Timer.state, func.count()).group_by(Timer.state)).all())


def quiet() -> None:
    """This process logs every scheduling at INFO; the figures are what matters here."""
    for name in ("", "app", "workers", "rq"):
        logging.getLogger(name).setLevel(logging.WARNING)


def wait_while_progress(stall_seconds: float) -> float:
    """Wait until no timer is pending, or none fired for ``stall_seconds``, or BACKLOG_CAP passed; the seconds
    waited. A backlog that still fires is late, not lost."""
    started = last_progress = time.monotonic()
    left = counts(fresh()).get(TimerState.PENDING, 0)
    while left and time.monotonic() - last_progress < stall_seconds and time.monotonic() - started < BACKLOG_CAP:
        time.sleep(1)
        now_left = counts(fresh()).get(TimerState.PENDING, 0)
        if now_left < left:
            last_progress = time.monotonic()
        left = now_left
    return time.monotonic() - started


def fresh():
    db.session.remove()
    return db.session()


def run_scenario(name: str, database_url: str, redis_url: str, args, workers: int, fault: str,
                 per_instance: float, log_dir: Path) -> Result:
    queue = f"vertrouwd-bench-{uuid.uuid4().hex[:8]}"
    client = redis.Redis.from_url(redis_url)
    sentinel = f"vertrouwd-bench:sentinel:{queue}"
    app = build_app(database_url, redis_url, Path(tempfile.mkdtemp()))
    quiet()
    connection.configure(replace(connection.settings(), rq_queue=queue))
    result = Result(name, args.instances * args.branches)
    setup_started = time.monotonic()
    estimate = per_instance * args.instances * 1.25 + 5 + LEAD  # creation time measured by the pilot, + slack
    t0 = datetime.now(UTC) + timedelta(seconds=estimate)
    with app.app_context():
        session = db.session()
        deploy_shape(session, args.shape, args.branches)
        create_instances(session, args.instances, args.branches, t0, args.window, random.Random(42))
    db.session.remove()
    result.setup_seconds = time.monotonic() - setup_started
    ahead = (t0 - datetime.now(UTC)).total_seconds()
    if ahead < LEAD:
        result.notes.append(f"setup overran: workers start {LEAD - ahead:.1f} s late")
    client.set(sentinel, "1")

    env = {"RECONCILE_SECONDS": str(args.period)}
    procs = []

    def spawn(label: str):
        worker = start_worker(database_url, redis_url, log_dir / f"{name}-{label}.log", queue=queue, extra_env=env)
        procs.append(worker)
        wait_for(lambda: worker_ready(client, worker) or worker.process.poll() is not None, 20)
        return worker

    browser = timers_restart.logged_in_browser(app) if fault == "pg-restart" else None
    wait_for(lambda: (t0 - datetime.now(UTC)).total_seconds() <= LEAD, estimate + 5, interval=0.1)
    for n in range(workers):
        spawn(f"w{n + 1}")
    t0_mono = time.monotonic() + (t0 - datetime.now(UTC)).total_seconds()
    cpu = timers_cost.CpuMeter(database_url, procs)
    try:
        if fault == "pg-restart":
            wait_for(lambda: time.monotonic() >= t0_mono + args.window / 2, args.window, interval=0.05)
            result.notes.append(timers_restart.restart_while_browsing(browser))
        elif fault == "kill":
            wait_for(lambda: time.monotonic() >= t0_mono + args.window / 2, args.window, interval=0.05)
            procs[0].kill()
            lost_how = lose_redis_data(client, queue)
            client.set(sentinel, "1")
            pending = counts(fresh()).get(TimerState.PENDING, 0)
            result.notes.append(f"fault at T0+{time.monotonic() - t0_mono:.1f} s: SIGKILL w1, {lost_how}, fresh "
                                f"worker; {pending} timers pending")
            spawn("fresh")
        deadline = t0_mono + args.window + args.period + MARGIN
        last_report = 0.0
        while time.monotonic() < deadline:
            state = timers_restart.reachable_counts(lambda: counts(fresh()))
            if state is None:
                time.sleep(0.5)
                continue
            left = state.get(TimerState.PENDING, 0)
            if time.monotonic() - last_report >= 10:
                print(f"  [{name}] T0{time.monotonic() - t0_mono:+6.1f} s: {left} pending", flush=True)
                last_report = time.monotonic()
            if left == 0 and time.monotonic() > t0_mono + args.window:
                break
            time.sleep(0.5)
        state = counts(fresh())
        result.lost_at_deadline = state.get(TimerState.PENDING, 0) + state.get(TimerState.FAILED, 0)
        if result.lost_at_deadline:
            # Pending at the deadline: lost, or only late? A timer in flight in a killed worker keeps its lease
            # for LEASE; give it that and a reconciler period more, and as long as the backlog still shrinks.
            extra = LEASE.total_seconds() + args.period + 5
            print(f"  [{name}] {result.lost_at_deadline} pending at the deadline; waiting while they fire "
                  f"(until {extra:.0f} s pass without progress, at most {BACKLOG_CAP:.0f} s)", flush=True)
            result.backlog_seconds = wait_while_progress(extra)
        state = counts(fresh())
        result.lost_at_end = state.get(TimerState.PENDING, 0) + state.get(TimerState.FAILED, 0)
        result.worker_cpu, result.server_cpu = cpu.spent()
    finally:
        for worker in procs:
            worker.stop()
    result.redis_disturbed = not client.exists(sentinel)
    delete_run_keys(client, queue)

    session = fresh()
    result.lateness = [float(v) for v in session.scalars(text(
        "SELECT EXTRACT(EPOCH FROM fired_at - due_at) FROM timer WHERE fired_at IS NOT NULL ORDER BY 1"))]
    result.clobbered = session.scalar(select(func.count()).select_from(Timer).where(
        Timer.state == TimerState.CANCELLED, Timer.fired_at.is_not(None)))
    result.doubled = session.scalar(text(
        "SELECT count(*) FROM (SELECT instance_id, step FROM history_event WHERE kind = 'automatic' "
        "AND step LIKE 'Na termijn %' GROUP BY instance_id, step HAVING count(*) > 1) AS doubled"))
    doubled_completions = session.scalar(text(
        "SELECT count(*) FROM (SELECT instance_id FROM history_event WHERE kind = 'completed' "
        "GROUP BY instance_id HAVING count(*) > 1) AS doubled"))
    if doubled_completions:
        result.notes.append(f"{doubled_completions} instances completed twice")
    first_due, last_fired = session.execute(select(func.min(Timer.due_at), func.max(Timer.fired_at))).one()
    if last_fired is not None:
        result.last_fired_after_t0 = (last_fired - t0).total_seconds()
        result.fired_per_second = len(result.lateness) / max((last_fired - first_due).total_seconds(), 1e-9)
    steps = session.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.kind == "automatic"))
    if steps != len(result.lateness) - result.doubled:
        result.notes.append(f"{steps} automatic steps in history for {len(result.lateness)} fired timers")
        # Which fired timers have no step after them in history (spec 'wait<i>' -> step 'Na termijn <i>')?
        missing = session.execute(text(
            "SELECT t.id, t.instance_id, t.spec_name, t.state, t.due_at, t.fired_at, t.attempts FROM timer t "
            "WHERE t.fired_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM history_event h WHERE "
            "h.instance_id = t.instance_id AND h.kind = 'automatic' "
            "AND h.step = 'Na termijn ' || substr(t.spec_name, 5)) ORDER BY t.id LIMIT 5")).all()
        for row in missing:
            history = session.execute(text(
                "SELECT kind, step, at FROM history_event WHERE instance_id = :i ORDER BY id"), {"i": row[1]}).all()
            result.notes.append(f"fired without its step in history: {tuple(row)}; instance history: "
                                f"{[(k, s, a.isoformat()) for k, s, a in history]}; "
                                f"workflow: {branch_states(session, row[1], row[2])}")
    db.session.remove()
    for worker in procs:
        output = worker.output()
        result.jobs_run += len(re.findall(r"Job OK \([^)]*-timers?-\d+\)", output))
        result.reconciler_enqueued += sum(int(n) for n in re.findall(r"reconciler: enqueued (\d+)", output))
    return result


def _per_timer_ms(seconds: float, result: Result) -> float:
    return seconds * 1000 / len(result.lateness) if result.lateness else float("nan")


def report(results: list[Result], args) -> None:
    print()
    print(f"{args.instances} instances ({args.shape}) x {args.branches} timers, due uniformly over {args.window:g} s; "
          f"reconciler period {args.period:g} s; lost = pending/failed at T0 + {args.window:g} + {args.period:g} + "
          f"{MARGIN:g} s")
    header = (f"{'scenario':<22}{'timers':>7}{'p50 s':>8}{'p99 s':>8}{'max s':>8}{'lost':>6}{'(end)':>6}"
              f"{'doubled':>8}{'clobb.':>7}{'jobs':>7}{'recon.':>7}{'fired/s':>8}{'w-cpu':>7}{'pg-cpu':>7}"
              f"{'setup s':>8}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.name:<22}{r.timers:>7}{r.quantile(0.5):>8.2f}{r.quantile(0.99):>8.2f}"
              f"{(r.lateness[-1] if r.lateness else float('nan')):>8.2f}{r.lost_at_deadline:>6}{r.lost_at_end:>6}"
              f"{r.doubled:>8}{r.clobbered:>7}{r.jobs_run:>7}{r.reconciler_enqueued:>7}{r.fired_per_second:>8.1f}"
              f"{_per_timer_ms(r.worker_cpu, r):>7.2f}{_per_timer_ms(r.server_cpu, r):>7.2f}{r.setup_seconds:>8.1f}")
        if r.backlog_seconds:
            r.notes.insert(0, f"the backlog after the deadline took {r.backlog_seconds:.0f} s more")
        for note in r.notes + (["Redis db 13 was flushed by someone else during the run"] if r.redis_disturbed else []):
            print(f"{'':<22}  {note}")
    print("\ncolumns: lateness = fired_at - due_at; lost = pending or failed at the deadline, (end) = once the backlog "
          "stopped firing (none for LEASE + period + 5 s, or 600 s); doubled = (instance, step after a timer) that ran more than once; clobb. = rows "
          "fired but left 'cancelled'; jobs = timer jobs the workers ran; recon. = jobs the reconciler enqueued; "
          "w-cpu, pg-cpu = CPU ms per fired timer of the workers (their whole run: dispatcher, reconciler and RQ "
          "included) and of the database's PostgreSQL backends")
    print("targets (issue 3): p99 <= 1 s, 0 lost, 0 doubled; with faults 0 lost and p99 <= reconciler period + 1 s")


SCENARIOS = {
    "one-worker": (1, ""),
    "two-workers": (2, ""),
    "one-worker-faults": (1, "kill"),
    "two-workers-faults": (2, "kill"),
    "two-workers-pg-restart": (2, "pg-restart"),
}


def main() -> None:
    quiet()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=1000, help="instances (default 1000)")
    parser.add_argument("--branches", type=int, default=10, help="timers per instance (default 10)")
    parser.add_argument("--window", type=float, default=60, help="due times spread over this many seconds (60)")
    parser.add_argument("--period", type=float, default=5, help="RECONCILE_SECONDS of the workers (default 5)")
    parser.add_argument("--shape", choices=("fanout", "reminders"), default="fanout",
                        help="fanout: a parallel split to one timer per branch and a join (the default); reminders: "
                             "the training deadline's shape, non-interrupting boundary timers on a waiting user task")
    parser.add_argument("--scenarios", default=",".join(s for s in SCENARIOS if SCENARIOS[s][1] != "pg-restart"),
                        help=f"comma-separated, of {', '.join(SCENARIOS)} (the PostgreSQL restart only when named: it "
                             "restarts the whole local server, every database on it)")
    parser.add_argument("--cost-instances", type=int, default=100,
                        help="instances for the firing cost, ours against raw SpiffWorkflow (default 100; 0: skip)")
    parser.add_argument("--profile", choices=("none", "stages", "cprofile"), default="none",
                        help="with the firing cost: time the stages of our job, or profile it with cProfile")
    parser.add_argument("--redis-db", type=int, default=TEST_REDIS_DB,
                        help=f"Redis database (default {TEST_REDIS_DB}, the tests' db, flushed in the fault scenarios; "
                             "on another db only this run's keys are deleted)")
    args = parser.parse_args()
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    redis_url = bench_redis_url(args.redis_db)
    redis.Redis.from_url(redis_url).ping()
    database_url = _create_pg_database(_pg_server_url())
    log_dir = Path(tempfile.mkdtemp(prefix="bench-timers-"))
    results = []
    try:
        _migrate(database_url)
        if args.cost_instances:
            # As dense as the scenarios: the same timers per second, so the dispatcher batches alike.
            window = args.window * args.cost_instances / args.instances
            print(timers_cost.measure(database_url, redis_url, args.cost_instances, args.branches, window,
                                      f"vertrouwd-bench-cost-{os.getpid()}", args.profile), flush=True)
            delete_run_keys(redis.Redis.from_url(redis_url), f"vertrouwd-bench-cost-{os.getpid()}")
        if not chosen:
            return
        per_instance = measure_creation(database_url, redis_url, args.branches, f"vertrouwd-bench-pilot-{os.getpid()}",
                                         args.shape)
        print(f"creating an instance takes {per_instance * 1000:.1f} ms; worker logs in {log_dir}", flush=True)
        for name in chosen:
            workers, fault = SCENARIOS[name]
            print(f"scenario {name}", flush=True)
            results.append(run_scenario(name, database_url, redis_url, args, workers, fault, per_instance, log_dir))
    finally:
        _drop_pg_database(database_url)
        pilot = redis.Redis.from_url(redis_url)
        delete_run_keys(pilot, f"vertrouwd-bench-pilot-{os.getpid()}")
    report(results, args)


if __name__ == "__main__":
    main()
