"""Running instances: create, load, step, complete a task, save. The one place that drives SpiffWorkflow."""
from __future__ import annotations

import logging
from uuid import UUID

from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.clock import now
from app.engine import hooks, projection, statements
from app.engine.errors import Conflict, ProcessFailed, TaskNotReady
from app.engine.sandbox import SandboxedScriptEngine
from app.engine.serialization import dump_state, load_state, version_spec
from app.engine.services import ServiceContext, service_caller
from app.models import InstanceStatus, ProcessInstance, ProcessModelVersion, Task, User

log = logging.getLogger(__name__)
_AUTOMATIC_STEPS = ("ServiceTask", "ScriptTask", "BusinessRuleTask")


def new_workflow(version: ProcessModelVersion) -> BpmnWorkflow:
    spec, subprocess_specs = version_spec(version)
    return BpmnWorkflow(spec, subprocess_specs)


def load_workflow(instance: ProcessInstance) -> BpmnWorkflow:
    return load_state(instance.state_json, instance.model_version)


def create_instance(session: Session, version: ProcessModelVersion, entity_id: int, started_by: User | None,
                    subject: str | None = None) -> tuple[ProcessInstance, BpmnWorkflow]:
    """A new instance row (flushed, so it has an id) and its workflow, not yet stepped."""
    workflow = new_workflow(version)
    instance = ProcessInstance(
        model_version_id=version.id, model_version=version, entity_id=entity_id, status=InstanceStatus.RUNNING,
        state_json=dump_state(workflow), started_by_id=started_by.id if started_by else None, started_at=now(),
        subject=subject,
    )
    session.add(instance)
    session.flush()
    record(session, instance, "started", version.model.name, started_by)
    return instance, workflow


def run_engine(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, actor: User | None = None,
               refresh_timers: bool = False) -> None:
    """Do engine steps under the sandbox, recording the automatic steps that completed."""
    context = ServiceContext(session=session, instance_id=instance.id, entity_id=instance.entity_id)
    workflow.script_engine = SandboxedScriptEngine(service_caller=service_caller(context))
    done_before = _completed_automatic_steps(workflow)
    try:
        if refresh_timers:
            workflow.refresh_timers()
        workflow.do_engine_steps()
    except Exception as exc:  # scripts, conditions and service functions: never show their text to users
        log.warning("instance %s: engine step failed: %s", instance.id, type(exc).__name__)
        raise ProcessFailed(f"Het proces liep vast ({exc.__class__.__name__}). Een beheerder werd verwittigd.") from exc
    for task_id, task in _completed_automatic_steps(workflow).items():
        if task_id not in done_before:
            record(session, instance, "automatic", task.task_spec.bpmn_name or task.task_spec.name, None)


def _completed_automatic_steps(workflow: BpmnWorkflow) -> dict:
    return {task.id: task for task in projection.all_tasks(workflow)
            if task.state == SpiffState.COMPLETED and type(task.task_spec).__name__ in _AUTOMATIC_STEPS}


def complete_human_task(workflow: BpmnWorkflow, task_row: Task, data: dict) -> None:
    """Put the form data on the READY spiff task behind ``task_row`` and run it."""
    spiff_task = workflow.get_task_from_id(UUID(task_row.spiff_task_id))
    if spiff_task is None or spiff_task.state != SpiffState.READY or not spiff_task.task_spec.manual:
        raise TaskNotReady("Deze taak kan niet meer afgewerkt worden: ze werd intussen afgesloten.")
    spiff_task.data.update(data)
    spiff_task.run()


def save(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, before: projection.Snapshot,
         actor: User | None = None) -> None:
    """Write the state, project tasks and timers (``before``: as loaded), schedule timer jobs after commit.

    Set-based statements instead of the ORM unit of work: this runs on every step of every process.
    The version check makes a concurrent save of the same instance fail with ``Conflict``.
    """
    status, completed_at = instance.status, instance.completed_at
    if workflow.completed and status == InstanceStatus.RUNNING:
        status, completed_at = InstanceStatus.COMPLETED, now()
        record(session, instance, "completed", None, None)
    saved = session.connection().execute(statements.SAVE_INSTANCE, {
        "b_id": instance.id, "b_expected_version": instance.lock_version, "b_new_version": instance.lock_version + 1,
        "b_state": dump_state(workflow), "b_now": now(), "b_status": str(status), "b_completed_at": completed_at})
    if saved.rowcount != 1:
        raise Conflict("Iemand anders heeft dit proces net bijgewerkt. Laad de pagina opnieuw.")
    projection.sync_tasks(session, instance, workflow, before)
    new_timers = projection.sync_timers(session, instance, workflow, before)
    session.expire(instance)  # reloaded on next use, with what was just written
    if new_timers:
        session.flush()
        from workers.scheduling import schedule_timers  # the worker package depends on the engine, not back

        timers = [(timer.id, timer.due_at) for timer in new_timers]
        hooks.after_commit(session, lambda: schedule_timers(timers))


def record(session: Session, instance: ProcessInstance, kind: str, step: str | None, actor: User | None,
           detail: str | None = None) -> None:
    session.connection().execute(statements.INSERT_HISTORY, {
        "instance_id": instance.id, "at": now(), "kind": kind, "step": step,
        "actor_id": actor.id if actor else None, "detail": detail})
