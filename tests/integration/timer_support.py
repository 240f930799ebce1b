"""Shared by the timer fault tests and bench/timers.py: a fan-out BPMN with N timers, worker processes,
polling with a deadline, and the figures read back from the timer and history tables."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from app.config import PROJECT_ROOT
from app.db import db
from app.engine.registry import deploy
from app.models import HistoryEvent, ProcessInstance, Timer, TimerState

QUEUE = "vertrouwd-test"
SERVICES_MODULE = "tests.integration.timer_services"


def fanout_bpmn(process_id: str, branches: int, timer: str = "duration", service: str | None = None) -> str:
    """start -> user task 'ask' -> parallel split -> per branch i: a timer (timeDuration ``d<i>`` or timeDate
    ``due<i>``, both read from the start form), optionally a service task ``service``, then a script task
    'Na termijn <i>' -> parallel join -> end. Each branch's script step is what the tests count in history."""
    kind = {"duration": "timeDuration", "date": "timeDate"}[timer]
    var = {"duration": "d", "date": "due"}[timer]
    nodes, flows = [], []

    def flow(source: str, target: str) -> str:
        flow_id = f"f_{source}_{target}"
        flows.append(f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>')
        return flow_id

    nodes.append(f'<bpmn:startEvent id="start"><bpmn:outgoing>{flow("start", "ask")}</bpmn:outgoing></bpmn:startEvent>')
    nodes.append(
        '<bpmn:userTask id="ask" name="Vraag"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{process_id}_start.schema.json"/>'
        '</spiffworkflow:properties></bpmn:extensionElements>'
        f'<bpmn:incoming>f_start_ask</bpmn:incoming><bpmn:outgoing>{flow("ask", "split")}</bpmn:outgoing>'
        '</bpmn:userTask>')
    split_out, join_in = [], []
    for i in range(branches):
        split_out.append(flow("split", f"wait{i}"))
        after_timer = f"svc{i}" if service else f"after{i}"
        nodes.append(
            f'<bpmn:intermediateCatchEvent id="wait{i}" name="Termijn {i}">'
            f'<bpmn:incoming>f_split_wait{i}</bpmn:incoming><bpmn:outgoing>{flow(f"wait{i}", after_timer)}</bpmn:outgoing>'
            f'<bpmn:timerEventDefinition><bpmn:{kind}>{var}{i}</bpmn:{kind}></bpmn:timerEventDefinition>'
            '</bpmn:intermediateCatchEvent>')
        if service:
            nodes.append(
                f'<bpmn:serviceTask id="svc{i}" name="Dienst {i}"><bpmn:extensionElements>'
                f'<spiffworkflow:serviceTaskOperator id="{service}" resultVariable="svc{i}_result"/>'
                f'</bpmn:extensionElements><bpmn:incoming>f_wait{i}_svc{i}</bpmn:incoming>'
                f'<bpmn:outgoing>{flow(f"svc{i}", f"after{i}")}</bpmn:outgoing></bpmn:serviceTask>')
        incoming = f"f_svc{i}_after{i}" if service else f"f_wait{i}_after{i}"
        join_in.append(flow(f"after{i}", "join"))
        nodes.append(
            f'<bpmn:scriptTask id="after{i}" name="Na termijn {i}"><bpmn:incoming>{incoming}</bpmn:incoming>'
            f'<bpmn:outgoing>f_after{i}_join</bpmn:outgoing><bpmn:script>after{i} = True</bpmn:script>'
            '</bpmn:scriptTask>')
    nodes.append('<bpmn:parallelGateway id="split"><bpmn:incoming>f_ask_split</bpmn:incoming>'
                 + "".join(f"<bpmn:outgoing>{f}</bpmn:outgoing>" for f in split_out) + "</bpmn:parallelGateway>")
    nodes.append('<bpmn:parallelGateway id="join">' + "".join(f"<bpmn:incoming>{f}</bpmn:incoming>" for f in join_in)
                 + f'<bpmn:outgoing>{flow("join", "done")}</bpmn:outgoing></bpmn:parallelGateway>')
    nodes.append('<bpmn:endEvent id="done"><bpmn:incoming>f_join_done</bpmn:incoming></bpmn:endEvent>')
    return _definitions(process_id, nodes, flows, lane_nodes=("start", "ask"))


def _definitions(process_id: str, nodes: list[str], flows: list[str], lane_nodes: tuple[str, ...]) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in lane_nodes)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="{process_id}_definitions" targetNamespace="http://vertrouwd.vlaanderen/bpmn/test">
  <bpmn:process id="{process_id}" name="Termijnen ({process_id}, test)" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane_secretary" name="eoc_secretary">{refs}</bpmn:lane></bpmn:laneSet>
    {chr(10).join(nodes)}
    {chr(10).join(flows)}
  </bpmn:process>
</bpmn:definitions>
"""


def reminders_bpmn(process_id: str, count: int) -> str:
    """The shape of the training deadline: start -> user task 'ask' -> user task 'Wachten' that stays open, with
    ``count`` non-interrupting boundary timers (timeDate ``due<i>``), each -> script 'Na termijn <i>' -> its end."""
    nodes = [
        '<bpmn:startEvent id="start"><bpmn:outgoing>f_start_ask</bpmn:outgoing></bpmn:startEvent>',
        '<bpmn:userTask id="ask" name="Vraag"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{process_id}_start.schema.json"/>'
        '</spiffworkflow:properties></bpmn:extensionElements>'
        '<bpmn:incoming>f_start_ask</bpmn:incoming><bpmn:outgoing>f_ask_hold</bpmn:outgoing></bpmn:userTask>',
        '<bpmn:userTask id="hold" name="Wachten"><bpmn:extensionElements><spiffworkflow:properties>'
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{process_id}_hold.schema.json"/>'
        '</spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>f_ask_hold</bpmn:incoming>'
        '<bpmn:outgoing>f_hold_done</bpmn:outgoing></bpmn:userTask>',
        '<bpmn:endEvent id="done"><bpmn:incoming>f_hold_done</bpmn:incoming></bpmn:endEvent>',
    ]
    flows = ['<bpmn:sequenceFlow id="f_start_ask" sourceRef="start" targetRef="ask"/>',
             '<bpmn:sequenceFlow id="f_ask_hold" sourceRef="ask" targetRef="hold"/>',
             '<bpmn:sequenceFlow id="f_hold_done" sourceRef="hold" targetRef="done"/>']
    for i in range(count):
        nodes.append(
            f'<bpmn:boundaryEvent id="wait{i}" name="Termijn {i}" attachedToRef="hold" cancelActivity="false">'
            f'<bpmn:outgoing>f_wait{i}</bpmn:outgoing><bpmn:timerEventDefinition>'
            f'<bpmn:timeDate>due{i}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>')
        nodes.append(f'<bpmn:scriptTask id="after{i}" name="Na termijn {i}"><bpmn:incoming>f_wait{i}</bpmn:incoming>'
                     f'<bpmn:outgoing>f_after{i}</bpmn:outgoing><bpmn:script>after{i} = True</bpmn:script>'
                     '</bpmn:scriptTask>')
        nodes.append(f'<bpmn:endEvent id="end{i}"><bpmn:incoming>f_after{i}</bpmn:incoming></bpmn:endEvent>')
        flows.append(f'<bpmn:sequenceFlow id="f_wait{i}" sourceRef="wait{i}" targetRef="after{i}"/>')
        flows.append(f'<bpmn:sequenceFlow id="f_after{i}" sourceRef="after{i}" targetRef="end{i}"/>')
    return _definitions(process_id, nodes, flows, lane_nodes=("start", "ask", "hold"))


def deploy_reminders(session, process_id: str, count: int):
    version = deploy(session, process_id, {f"{process_id}.bpmn": reminders_bpmn(process_id, count)},
                     {f"{process_id}_start": fanout_form(count, "date"),
                      f"{process_id}_hold": {"schema": {"type": "object", "title": "Wachten", "properties": {}}, "ui": {}}})
    session.commit()
    return version


def fanout_form(branches: int, timer: str = "duration") -> dict:
    var = {"duration": "d", "date": "due"}[timer]
    pattern = r"^PT\d+(\.\d+)?S$" if timer == "duration" else r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"
    names = [f"{var}{i}" for i in range(branches)]
    return {"schema": {"type": "object", "title": "Termijnen", "required": names,
                       "properties": {n: {"type": "string", "title": n, "pattern": pattern} for n in names}},
            "ui": {}}


def deploy_fanout(session, process_id: str, branches: int, timer: str = "duration", service: str | None = None):
    version = deploy(session, process_id, {f"{process_id}.bpmn": fanout_bpmn(process_id, branches, timer, service)},
                     {f"{process_id}_start": fanout_form(branches, timer)})
    session.commit()
    return version


# --- worker processes -------------------------------------------------------------------------------------

@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (the worker and RQ's forked scheduler): a crash."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        """A graceful stop (SIGTERM to the group), SIGKILL when it does not end in ``timeout`` seconds."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        else:
            try:  # the worker ended; its scheduler child may still run in the group
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def start_worker(database_url: str, redis_url: str, log_path: Path, reconcile_seconds: float | None = None,
                 extra_env: dict | None = None, queue: str = QUEUE) -> WorkerProcess:
    """`python -m workers.cli worker` in its own process group, its output to ``log_path`` (a pipe nobody reads
    would fill up and block a chatty worker)."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "RQ_QUEUE": queue,
           "VERTROUWD_EXTRA_SERVICE_MODULES": SERVICES_MODULE, **(extra_env or {})}
    if reconcile_seconds is not None:
        env["RECONCILE_SECONDS"] = str(reconcile_seconds)
    log = open(log_path, "ab")  # noqa: SIM115 - the child keeps the descriptor
    try:
        process = subprocess.Popen([sys.executable, "-m", "workers.cli", "worker"], cwd=PROJECT_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()
    return WorkerProcess(process, log_path)


def wait_for(predicate: Callable[[], bool], seconds: float, interval: float = 0.2) -> bool:
    """Poll ``predicate`` until it holds or the deadline passes (no fixed sleeps)."""
    deadline = time.monotonic() + seconds
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def fresh_session():
    """A new session each poll, so we read what the workers committed."""
    db.session.remove()
    return db.session()


def worker_ready(redis_client, worker: WorkerProcess) -> bool:
    """The worker registered itself in Redis (RQ's rq:worker:<name> key with our pid)."""
    for key in redis_client.smembers("rq:workers"):
        if redis_client.hget(key, "pid") == str(worker.pid).encode():
            return True
    return False


# --- figures --------------------------------------------------------------------------------------------------

def timer_rows_not_fired(session) -> list[tuple]:
    """For failure messages: what is left and who holds it."""
    return list(session.execute(select(Timer.id, Timer.instance_id, Timer.state, Timer.due_at, Timer.attempts,
                                       Timer.lease_owner, Timer.lease_expires_at, Timer.last_error)
                                .where(Timer.state != TimerState.FIRED).order_by(Timer.id)).all())


def timer_counts(session) -> dict[str, int]:
    return dict(session.execute(select(Timer.state, func.count()).group_by(Timer.state)).all())


def automatic_step_runs(session) -> dict[tuple[int, str], int]:
    """How often each automatic step ran per instance, from history."""
    rows = session.execute(select(HistoryEvent.instance_id, HistoryEvent.step, func.count())
                           .where(HistoryEvent.kind == "automatic")
                           .group_by(HistoryEvent.instance_id, HistoryEvent.step)).all()
    return {(instance_id, step): count for instance_id, step, count in rows}


def completed_events(session) -> dict[int, int]:
    rows = session.execute(select(HistoryEvent.instance_id, func.count()).where(HistoryEvent.kind == "completed")
                           .group_by(HistoryEvent.instance_id)).all()
    return dict(rows)


def lateness_seconds(session) -> list[float]:
    """fired_at - due_at of every fired timer, in seconds (computed by PostgreSQL)."""
    return [float(v) for v in session.scalars(text(
        "SELECT EXTRACT(EPOCH FROM fired_at - due_at) FROM timer WHERE state = 'fired' ORDER BY 1"))]


def instance_statuses(session) -> dict[str, int]:
    return dict(session.execute(select(ProcessInstance.status, func.count()).group_by(ProcessInstance.status)).all())


def pending_or_failed(session) -> int:
    return session.scalar(select(func.count()).select_from(Timer)
                          .where(Timer.state.in_([TimerState.PENDING, TimerState.FAILED])))
