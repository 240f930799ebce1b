"""What firing one timer costs (issue 10): our worker's job against raw SpiffWorkflow doing the same in memory.

The same BPMN as bench/timers.py (the fan-out: a parallel split to BRANCHES timeDate timers, each followed by a
script task, then a join), the same start data, the same firings in the same order: for each timer, in the order of
the due times of all instances, the clock (time-machine) moves just past its due time, then

- raw: SpiffWorkflow's own serializer (``BpmnWorkflowSerializer``) deserializes the instance's JSON,
  ``refresh_timers()``, ``do_engine_steps()``, and serializes it again, all in memory;
- ours: ``workers.jobs.fire_timers([timer id])`` in this process on PostgreSQL, the job a worker runs: lock and read
  the instance, claim the timer, load, fire, step, save state, task and timer rows and history, commit, and the
  after-commit work in Redis.

Per firing: the CPU of this process and the wall time (ours also waits for PostgreSQL, whose own CPU is on the
server). ``--profile stages`` times the stages of ours (what each costs per firing); ``--profile cprofile`` shows
where the CPU goes by function (cProfile inflates Python-heavy code, so read it for shares, not for times).
"""
from __future__ import annotations

import cProfile
import functools
import io
import os
import pstats
import random
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, make_url, select, text

from app.db import db
from tests.integration.timer_support import fanout_bpmn

PROCESS = "bench_timers_cost"
JUST_PAST = timedelta(milliseconds=2)  # SpiffWorkflow fires a timer only strictly after its due time


@dataclass
class Costs:
    """Seconds per firing: CPU of this process and wall time."""

    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    server_cpu: float = 0.0  # PostgreSQL's CPU per firing (mean), ours only
    jobs: int = 0

    def add(self, cpu: float, wall: float) -> None:
        self.cpu.append(cpu)
        self.wall.append(wall)

    def summary(self) -> str:
        return (f"CPU median {_ms(statistics.median(self.cpu))} mean {_ms(statistics.fmean(self.cpu))}   "
                f"wall median {_ms(statistics.median(self.wall))} mean {_ms(statistics.fmean(self.wall))}")


def process_cpu(pids) -> float:
    """CPU seconds (user + system) the processes ``pids`` spent so far, from /proc (gone ones count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def backend_pids(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving the database of ``database_url`` (same machine, as here)."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"))
    try:
        with admin.connect() as connection:
            return list(connection.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :name"),
                                           {"name": url.database}))
    finally:
        admin.dispose()


class CpuMeter:
    """CPU the workers (their process groups: RQ forks a scheduler) and the database's PostgreSQL backends spend from
    now on, from /proc. A SIGKILLed worker's share is lost, so are backends that end before ``spent`` (a restart)."""

    def __init__(self, database_url: str, workers: list) -> None:
        self.database_url, self.workers = database_url, workers
        self.before = self._now()

    def _now(self) -> dict[int, float]:
        pids = [pid for worker in self.workers for pid in _group(worker.pid)]
        pids += backend_pids(self.database_url)
        return {pid: process_cpu([pid]) for pid in pids}

    def spent(self) -> tuple[float, float]:
        after, backends = self._now(), set(backend_pids(self.database_url))
        delta = {pid: cpu - self.before.get(pid, 0.0) for pid, cpu in after.items()}
        return (sum(cpu for pid, cpu in delta.items() if pid not in backends),
                sum(cpu for pid, cpu in delta.items() if pid in backends))


def _group(pgid: int) -> list[int]:
    """The processes of the process group ``pgid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid:  # the 5th field of stat: the process group
            found.append(int(stat.parent.name))
    return found


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.2f} ms"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def start_data(instances: int, branches: int, t0: datetime, window: float, seed: int) -> list[dict]:
    """The start form of each instance: its BRANCHES due times, spread uniformly over ``window`` s from ``t0``."""
    rng = random.Random(seed)
    return [{f"due{i}": iso(t0 + timedelta(seconds=rng.uniform(0, window))) for i in range(branches)}
            for _ in range(instances)]


def firing_order(data: list[dict]) -> list[tuple[datetime, int]]:
    """(due time, instance index) of every timer, earliest first: the order the workers fire them in."""
    return sorted((datetime.fromisoformat(due.replace("Z", "+00:00")), index)
                  for index, values in enumerate(data) for due in values.values())


def raw_firings(data: list[dict], branches: int) -> Costs:
    """SpiffWorkflow alone: each firing deserializes the instance, fires, steps and serializes it again."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(fanout_bpmn(PROCESS, branches, timer="date").encode())
    spec = parser.get_spec(PROCESS)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    states = []
    for values in data:
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        ask = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        ask.data.update(values)
        ask.run()
        workflow.do_engine_steps()
        states.append(serializer.serialize_json(workflow))
    costs = Costs()
    for due, index in firing_order(data):
        with time_machine.travel(due + JUST_PAST, tick=True):
            cpu, wall = time.process_time(), time.perf_counter()
            workflow = serializer.deserialize_json(states[index])
            workflow.refresh_timers()
            workflow.do_engine_steps()
            states[index] = serializer.serialize_json(workflow)
            costs.add(time.process_time() - cpu, time.perf_counter() - wall)
    return costs


def dispatcher_batches(order: list[tuple[datetime, int]], poll: float, size: int) -> list[list[tuple[datetime, int]]]:
    """The timers as the dispatcher hands them out: every ``poll`` seconds, those then due, at most ``size`` a job."""
    batches: list[list[tuple[datetime, int]]] = []
    start, current_tick = order[0][0], None
    for due, item in order:
        tick = int((due - start).total_seconds() // poll)
        if tick != current_tick or len(batches[-1]) == size:
            batches.append([])
            current_tick = tick
        batches[-1].append((due, item))
    return batches


def our_firings(database_url: str, redis_url: str, data: list[dict], branches: int, queue: str, batched: bool,
                profile: str = "none") -> tuple[Costs, str]:
    """The worker's job on the database at ``database_url``: one timer per call, or (``batched``) the dispatcher's
    batches, each timer's share of its batch counted once per timer. The costs, and the profile if asked."""
    from app.models import Timer
    from app.workflow import services
    from tests.conftest import build_app
    from tests.helpers import OMG_SECRETARY, entity, user
    from tests.integration.timer_support import deploy_fanout
    from workers import connection, dispatcher
    from workers.jobs import fire_timers

    app = build_app(database_url, redis_url, Path(tempfile.mkdtemp()))
    connection.configure(replace(connection.settings(), rq_queue=queue))
    with app.app_context():
        session = db.session()
        deploy_fanout(session, PROCESS, branches, timer="date")
        secretary, omg = user(session, OMG_SECRETARY), entity(session, "OMG")
        instance_ids = []
        for values in data:
            instance_ids.append(services.start_process(session, secretary, PROCESS, omg, values).id)
            session.commit()
        rows = session.execute(select(Timer.id, Timer.instance_id, Timer.due_at)).all()
    db.session.remove()
    timer_of = {(instance_id, due): timer_id for timer_id, instance_id, due in rows}
    order = [(due, timer_of[(instance_ids[index], due)]) for due, index in firing_order(data)]
    jobs = dispatcher_batches(order, dispatcher.POLL_SECONDS, dispatcher.BATCH) if batched else [[o] for o in order]
    stages, profiler = Stages(), cProfile.Profile()
    if profile == "stages":
        stages.install()
    costs = Costs()
    backends = backend_pids(database_url)
    server_before = process_cpu(backends)
    try:
        for job in jobs:
            with time_machine.travel(job[-1][0] + JUST_PAST, tick=True):
                if profile == "cprofile":
                    profiler.enable()
                cpu, wall = time.process_time(), time.perf_counter()
                fire_timers([timer_id for _, timer_id in job])
                share = (time.process_time() - cpu) / len(job), (time.perf_counter() - wall) / len(job)
                profiler.disable()
            for _ in job:
                costs.add(*share)
    finally:
        stages.uninstall()
    costs.server_cpu = (process_cpu(backends) - server_before) / len(order)
    costs.jobs = len(jobs)
    if profile == "stages":
        return costs, stages.report(len(order))
    if profile == "cprofile":
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        return costs, out.getvalue()
    return costs, ""


class Stages:
    """Times named stages of the job (module functions wrapped for the run): CPU and wall per firing."""

    def __init__(self) -> None:
        self.spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        self._undo: list[tuple[object, str, object]] = []

    def install(self) -> None:
        from sqlalchemy.orm import Session

        from app.engine import projection, runner, timers
        from workers import jobs

        for owner, name, label in [
            (timers, "_locked_instance_of_timer", "lock and read the instance"), (timers, "claim", "claim the timer"),
            (runner, "load", "deserialize (ours)"), (runner, "_engine_steps", "refresh timers and engine steps"),
            (runner, "dump_state", "serialize (ours)"), (runner, "record", "history rows"),
            (projection.Snapshot, "of", "snapshot as loaded"), (projection, "sync_tasks", "task projection"),
            (projection, "sync_timers", "timer projection"), (runner, "_save", "save (all of it)"),
            (Session, "commit", "commit and after-commit"), (jobs, "forget_batch", "forget the batch (Redis)"),
            (timers.runner, "fire_timers", "runner.fire_timers (all of it)"), (jobs, "_fire", "a job's timer alone"),
            (timers, "fire_together", "a job's timers together"),
        ]:
            self._wrap(owner, name, label)

    def _wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)
        spent = self.spent[label]

        @functools.wraps(original)
        def timed(*args, **kwargs):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - cpu
                spent[1] += time.perf_counter() - wall
                spent[2] += 1

        self._undo.append((owner, name, original))
        setattr(owner, name, timed)

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def report(self, firings: int) -> str:
        lines = [f"  {'stage (per firing)':<38}{'CPU ms':>8}{'wall ms':>9}{'calls':>7}"]
        for label, (cpu, wall, calls) in sorted(self.spent.items(), key=lambda item: -item[1][1]):
            lines.append(f"  {label:<38}{cpu * 1000 / firings:>8.2f}{wall * 1000 / firings:>9.2f}{calls:>7}")
        return "\n".join(lines)


def measure(database_url: str, redis_url: str, instances: int, branches: int, window: float, queue: str,
            profile: str = "none", seed: int = 7) -> str:
    """Ours (one timer per job, and in the dispatcher's batches) and raw on the same firings; the report, with the
    ratios ours/raw. CPU ratio: our process and PostgreSQL's backends against raw SpiffWorkflow's (the work the
    machine does per firing); wall ratio: per firing as one worker sees it (it waits for PostgreSQL, commits
    included)."""
    data = start_data(instances, branches, datetime.now(UTC) + timedelta(days=1), window, seed)
    raw = raw_firings(data, branches)  # measured before and after ours, both counted: the machine is shared
    ours_runs = [our_firings(database_url, redis_url, data, branches, queue, batched, profile if batched else "none")
                 for batched in (False, True)]
    again = raw_firings(data, branches)
    raw.cpu += again.cpu
    raw.wall += again.wall
    lines = [f"firing cost: {len(again.wall)} timers of {instances} instances x {branches} branches due within "
             f"{window:g} s (CPU: this process; server: PostgreSQL's backends for ours, from /proc)",
             f"  {'raw SpiffWorkflow (before + after)':<38}{raw.summary()}"]
    details = ""
    for batched, (ours, found) in zip((False, True), ours_runs):
        details = found or details
        label = f"ours, {ours.jobs} jobs" + (" (dispatcher batches)" if batched else " (one timer each)")
        total = statistics.fmean(ours.cpu) + ours.server_cpu
        lines += [f"  {label:<38}{ours.summary()}   server {_ms(ours.server_cpu)}",
                  f"  {'':<38}ratio ours/raw: CPU (ours + server, means) {total / statistics.fmean(raw.cpu):.2f}, "
                  f"wall median {statistics.median(ours.wall) / statistics.median(raw.wall):.2f}   (target <= 1.5)"]
    if profile == "stages":
        lines.append("  (the batched run timed with stage wrappers: a few µs per stage more)")
    return "\n".join(lines + ([details] if details else []))
