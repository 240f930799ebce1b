"""Running instances: the one place that drives SpiffWorkflow.

Each operation (start, complete a human task, fire timers) loads the workflow with the sandboxed
script engine attached, steps it inside one error translation, and saves state, task projection,
timers and history in the caller's transaction. Callers never touch SpiffWorkflow objects.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy.orm import Session

from app import dispatch
from app.clock import now
from app.engine import projection, statements
from app.engine.errors import Conflict, EngineError, ProcessFailed, TaskNotReady
from app.engine.projection import Snapshot
from app.engine.sandbox import SandboxedScriptEngine
from app.engine.serialization import dump_state, load_state, version_spec
from app.engine.services import ServiceContext, service_caller
from app.models import InstanceStatus, ProcessInstance, ProcessModelVersion, Task, User

log = logging.getLogger(__name__)
_AUTOMATIC_STEPS = ("ServiceTask", "ScriptTask", "BusinessRuleTask")
# Kept in a completed human task's internal data: the names of the fields submitted. Its data also holds what it
# inherited (a second review still carries the first one's reason to send back), so these say what was decided.
_SUBMITTED = "submitted_fields"


@dataclass(frozen=True)
class TaskView:
    """What a task screen needs from the workflow: the data at the task and the task's BPMN extensions."""

    data: dict
    extensions: dict


def start(session: Session, version: ProcessModelVersion, entity_id: int, actor: User | None,
          subject: str | None = None, data: dict | None = None,
          created: Callable[[ProcessInstance], None] | None = None) -> ProcessInstance:
    """A new instance (flushed, with an id) with start ``data``, stepped to its first wait state and saved.
    ``created(instance)`` runs before the first step: a row that the process's service tasks look up by its
    instance is linked there, since a timer already due (a date of today) runs them inside this call."""
    workflow = _sandboxed(BpmnWorkflow(*version_spec(version)))
    workflow.task_tree.data.update(data or {})
    instance = ProcessInstance(
        model_version_id=version.id, model_version=version, entity_id=entity_id, status=InstanceStatus.RUNNING,
        state_json=dump_state(workflow), started_by_id=actor.id if actor else None, started_at=now(), subject=subject,
    )
    session.add(instance)
    session.flush()
    record(session, instance, "started", version.model.name, actor)
    if created is not None:
        created(instance)
        session.flush()
    with _stepping(session, instance, workflow):
        _engine_steps(workflow)
    _save(session, instance, workflow, Snapshot(), actor)
    return instance


def complete(session: Session, task_row: Task, data: dict, actor: User) -> None:
    """Complete the READY human task behind ``task_row`` with ``data`` (already validated) and step on."""
    instance = task_row.instance
    if instance.status == InstanceStatus.SUSPENDED:
        raise Conflict(_l("Dit proces is opgeschort door een beheerder: de taak kan afgewerkt worden zodra het "
                          "hervat is."))
    workflow = load(instance)
    before = Snapshot.of(workflow)
    spiff_task = projection.find_task(workflow, task_row.spiff_task_id)
    if spiff_task is None or spiff_task.state != SpiffState.READY or not spiff_task.task_spec.manual:
        raise TaskNotReady(_l("Deze taak kan niet meer afgewerkt worden: ze werd intussen afgesloten."))
    title, spiff_task_id = task_row.title, task_row.spiff_task_id  # read before the row is written and expired
    projection.complete_task_row(session, task_row, actor.id)
    before = replace(before, ready=before.ready - {spiff_task_id})  # its row is completed, not cancelled
    record(session, instance, "task_completed", title, actor)
    with _stepping(session, instance, workflow):
        spiff_task.internal_data[_SUBMITTED] = sorted(data)
        spiff_task.data.update(data)
        spiff_task.run()  # runs the task's postScript: inside the sandbox and the error translation
        _engine_steps(workflow)
    _save(session, instance, workflow, before, actor)


def rename(session: Session, instance: ProcessInstance, subject: str | None) -> None:
    """Give the instance a new subject, and its tasks their copy of it (the inbox searches the copy)."""
    instance.subject = subject
    session.flush()  # before the engine writes the instance with its own statements
    session.connection().execute(statements.RENAME_TASKS, {"b_instance": instance.id, "b_subject": subject})


def fire_timers(session: Session, instance: ProcessInstance) -> None:
    """Fire whatever timers of the instance are due and step on."""
    workflow = load(instance)
    before = Snapshot.of(workflow)
    with _stepping(session, instance, workflow):
        workflow.refresh_timers()
        _engine_steps(workflow)
    _save(session, instance, workflow, before, None)


def move_to_version(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow,
                    target: ProcessModelVersion, rewrite: Callable[[], None]) -> None:
    """Put the instance on ``target``: ``rewrite()`` moves the loaded ``workflow``'s task tree onto it
    (app/engine/migration.py), then the engine steps on and the state, tasks and timers are saved."""
    before = Snapshot.of(workflow)
    with _stepping(session, instance, workflow):
        rewrite()
        _engine_steps(workflow)
    instance.model_version_id = target.id
    session.flush()
    _save(session, instance, workflow, before, None)
    projection.refresh_ready_rows(session, instance, workflow)


def move_timer(session: Session, instance: ProcessInstance, spiff_task_id: str, old_due: datetime,
               new_due: datetime) -> None:
    """Give a waiting timer another due time (an admin's 'fire now'); the caller moves its row along."""
    workflow = load(instance)
    task = projection.find_task(workflow, spiff_task_id)
    if task is None or task.state != SpiffState.WAITING:
        raise TaskNotReady(_l("Deze termijn wacht niet meer."))
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):  # a cycle: move its next firing
        value["next"] = new_due.isoformat()
    else:
        task.internal_data["event_value"] = new_due.isoformat()
    _save(session, instance, workflow, Snapshot.of(workflow), None)


def task_view(task_row: Task) -> TaskView:
    """The workflow data at a task and its extensions (form, instructions), for the task screen."""
    spec = version_spec(task_row.instance.model_version)[0].task_specs.get(task_row.spec_name)
    spiff_task = projection.find_task(load(task_row.instance), task_row.spiff_task_id)
    return TaskView(data=dict(spiff_task.data) if spiff_task is not None else {},
                    extensions=dict(getattr(spec, "extensions", None) or {}))


def submitted_values(instance: ProcessInstance, spiff_task_ids: list[str]) -> dict[str, dict]:
    """What was submitted at each of these completed human tasks, by spiff task id, from one load of the state.
    A task completed before the submitted fields were kept shows all of its data."""
    workflow = load(instance)
    found = {}
    for task_id in spiff_task_ids:
        spiff_task = projection.find_task(workflow, task_id)
        if spiff_task is None:
            continue
        data = dict(spiff_task.data)
        submitted = spiff_task.internal_data.get(_SUBMITTED)
        found[task_id] = {name: data[name] for name in submitted if name in data} if submitted is not None else data
    return found


def step_title(version: ProcessModelVersion, spec_name: str) -> str | None:
    """The name a diagram gives a step (a timer's "2 werkdagen verstreken"), None when it gives none."""
    return step_names(version, spec_name).name


@dataclass(frozen=True)
class StepNames:
    """What a diagram calls a step (a timer, a task), and the activity a boundary timer sits on, for people."""

    name: str | None
    attached_to: str | None = None


def step_names(version: ProcessModelVersion, spec_name: str) -> StepNames:
    """The BPMN names of the step ``spec_name`` (its id, never shown) and of the activity it is attached to, in the
    process or one of its call activities."""
    spec, subprocess_specs = version_spec(version)
    task_spec = next((process.task_specs[spec_name] for process in (spec, *subprocess_specs.values())
                      if spec_name in process.task_specs), None)
    if task_spec is None:
        return StepNames(None)
    attached = next((output for split in task_spec.inputs if isinstance(split, BoundaryEventSplit)
                     for output in split.outputs if not isinstance(output, BoundaryEvent)), None)
    return StepNames(getattr(task_spec, "bpmn_name", None) or None,
                     getattr(attached, "bpmn_name", None) or None)


def lanes(version: ProcessModelVersion) -> frozenset[str]:
    """The lanes (roles) of every step of the version's diagram, call activities included."""
    spec, subprocess_specs = version_spec(version)
    return frozenset(task_spec.lane for process in (spec, *subprocess_specs.values())
                     for task_spec in process.task_specs.values() if getattr(task_spec, "lane", None))


def start_task_spec(version: ProcessModelVersion):
    return version_spec(version)[0].task_specs[version.start_task]


def _engine_steps(workflow: BpmnWorkflow, max_rounds: int = 100) -> None:
    """Run the automatic steps until none is READY. SpiffWorkflow's do_engine_steps ends with refresh_timers(): a
    timer falling due during the steps becomes READY after the last one, and nobody would run it (its row is then
    marked fired while its branch never ran). The bound stops a model that keeps making itself ready."""
    for _ in range(max_rounds):
        workflow.do_engine_steps()
        if not any(task.state == SpiffState.READY and not task.task_spec.manual
                   for task in projection.all_tasks(workflow)):  # a flat scan: cheaper than Spiff's tree iterator
            return


def load(instance: ProcessInstance) -> BpmnWorkflow:
    """The instance's workflow, with the sandbox attached (the script engine is not serialized)."""
    return _sandboxed(load_state(instance.state_json, instance.model_version))


def _sandboxed(workflow: BpmnWorkflow) -> BpmnWorkflow:
    workflow.script_engine = SandboxedScriptEngine()
    return workflow


@contextmanager
def _stepping(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> Iterator[None]:
    """Bind service tasks to this unit of work, record automatic steps, and turn any failure of a script,
    condition or service into ProcessFailed (its text may quote data, so only its type is told)."""
    instance_id, entity_id = instance.id, instance.entity_id
    workflow.script_engine = SandboxedScriptEngine(
        service_caller=service_caller(ServiceContext(session=session, instance_id=instance_id, entity_id=entity_id)))
    done_before = _completed_automatic_steps(workflow)
    try:
        yield
    except EngineError:
        raise
    except Exception as exc:
        raise _process_failed(instance_id, exc) from exc
    for task_id, task in _completed_automatic_steps(workflow).items():
        if task_id not in done_before:
            record(session, instance, "automatic", task.task_spec.bpmn_name or task.task_spec.name, None)


def _process_failed(instance_id: int, exc: Exception) -> ProcessFailed:
    log.warning("instance %s: engine step failed: %s", instance_id, type(exc).__name__)
    return ProcessFailed(_l("Het proces liep vast. Er werd niets bewaard; meld dit aan een beheerder."))


def _completed_automatic_steps(workflow: BpmnWorkflow) -> dict:
    return {task.id: task for task in projection.all_tasks(workflow)
            if task.state == SpiffState.COMPLETED and type(task.task_spec).__name__ in _AUTOMATIC_STEPS}


def _save(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, before: Snapshot,
          actor: User | None) -> None:
    """Write the state, project tasks and timers (``before``: as loaded), schedule timer jobs after commit.

    Set-based statements instead of the ORM unit of work: this runs on every step of every process.
    The version check makes a concurrent save of the same instance fail with ``Conflict``.
    """
    status, completed_at = instance.status, instance.completed_at
    if workflow.completed and status in (InstanceStatus.RUNNING, InstanceStatus.INCIDENT):
        status, completed_at = InstanceStatus.COMPLETED, now()
        record(session, instance, "completed", None, None)
    try:
        state = dump_state(workflow)
    except (TypeError, ValueError) as exc:  # a value a script put in the data that JSON cannot hold
        raise _process_failed(instance.id, exc) from exc
    saved = session.connection().execute(statements.SAVE_INSTANCE, {
        "b_id": instance.id, "b_expected_version": instance.lock_version, "b_new_version": instance.lock_version + 1,
        "b_state": state, "b_now": now(), "b_status": str(status), "b_completed_at": completed_at})
    if saved.rowcount != 1:
        raise Conflict(_l("Iemand anders heeft dit proces net bijgewerkt. Laad de pagina opnieuw."))
    projection.sync_tasks(session, instance, workflow, before)  # new tasks are announced by the workers
    timers = projection.sync_timers(session, instance, workflow, before)
    if status == InstanceStatus.INCIDENT:
        _clear_incident_when_resolved(session, instance.id, workflow)
    session.expire(instance)  # reloaded on next use, with what was just written
    if timers.created or timers.cancelled:
        dispatch.on_commit(session, lambda port: port.timers_changed(timers.created, timers.cancelled))


def _clear_incident_when_resolved(session: Session, instance_id: int, workflow: BpmnWorkflow) -> None:
    """An incident ends when no timer of the instance is failed any more (it fired after all)."""
    connection = session.connection()
    if connection.execute(statements.FAILED_TIMERS_LEFT, {"b_instance": instance_id}).first() is None:
        status = InstanceStatus.COMPLETED if workflow.completed else InstanceStatus.RUNNING
        connection.execute(statements.CLEAR_INCIDENT, {"b_id": instance_id, "b_status": str(status)})


def record(session: Session, instance: ProcessInstance, kind: str, step: str | None, actor: User | None,
           detail: str | None = None) -> None:
    session.connection().execute(statements.INSERT_HISTORY, {
        "instance_id": instance.id, "at": now(), "kind": kind, "step": step,
        "actor_id": actor.id if actor else None, "detail": detail})
