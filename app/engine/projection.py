"""Keep the task and timer tables in step with the workflow, in the same transaction as its state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.clock import now
from app.engine.specs import user_task_form
from app.models import ProcessInstance, Task, TaskState, Timer, TimerState


def ready_human_tasks(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=SpiffState.READY, manual=True)


def sync_tasks(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> list[Task]:
    """Insert rows for newly READY human tasks; cancel rows whose task is no longer READY."""
    ready = {str(task.id): task for task in ready_human_tasks(workflow)}
    rows = session.scalars(select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY))
    for row in rows:
        if row.spiff_task_id not in ready:
            row.state, row.completed_at = TaskState.CANCELLED, now()
        ready.pop(row.spiff_task_id, None)
    created = [_task_row(instance, spiff_task) for spiff_task in ready.values()]
    session.add_all(created)
    return created


def _task_row(instance: ProcessInstance, spiff_task) -> Task:
    spec = spiff_task.task_spec
    return Task(
        instance_id=instance.id, spiff_task_id=str(spiff_task.id), spec_name=spec.name,
        title=spec.bpmn_name or spec.name, lane=spec.lane or "", entity_id=instance.entity_id,
        assignee_id=spiff_task.data.get("assignee_id") if isinstance(spiff_task.data.get("assignee_id"), int) else None,
        form_name=user_task_form(spec), state=TaskState.READY, created_at=now(),
    )


def waiting_timers(workflow: BpmnWorkflow) -> dict[tuple[str, datetime], str]:
    """(spiff task id, due time) -> spec name of every timer the workflow waits for."""
    found = {}
    for task in workflow.get_tasks(state=SpiffState.WAITING):
        event_definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(event_definition, TimerEventDefinition):
            due = _due_time(task.internal_data.get("event_value"))
            if due is not None:
                found[(str(task.id), due)] = task.task_spec.name
    return found


def _due_time(event_value) -> datetime | None:
    if isinstance(event_value, dict):  # cycle timers: {'cycles': n, 'next': iso, 'duration': s}
        event_value = event_value.get("next")
    if not isinstance(event_value, str):
        return None
    return TimerEventDefinition.get_datetime(event_value)


def sync_timers(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> list[Timer]:
    """Pending timer rows for what the workflow waits for; others cancelled. Returns the new rows."""
    waiting = waiting_timers(workflow)
    rows = session.scalars(select(Timer).where(Timer.instance_id == instance.id, Timer.state == TimerState.PENDING))
    for row in rows:
        if waiting.pop((row.spiff_task_id, row.due_at), None) is None:
            row.state = TimerState.CANCELLED
    created = [
        Timer(instance_id=instance.id, spiff_task_id=task_id, spec_name=spec_name, due_at=due)
        for (task_id, due), spec_name in waiting.items()
    ]
    session.add_all(created)
    return created
