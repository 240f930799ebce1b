"""Keep the task and timer tables in step with the workflow, in the same transaction as its state.

The tables mirror the workflow after every save, so what was READY or WAITING when an instance was
loaded is what the tables hold: a ``Snapshot`` taken at load time spares reading them back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState as SpiffState
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from app.clock import now
from app.config import process_settings
from app.engine import statements
from app.engine.errors import Conflict, TaskNotReady
from app.engine.specs import user_task_form
from app.models import Confidant, ConfidantStatus, InactivityPeriod, ProcessInstance, Task, TaskState, Timer

TimerKey = tuple[str, datetime]  # (spiff task id, due time)


@dataclass(frozen=True)
class Snapshot:
    """The READY human tasks and the waiting timers of a workflow at one moment."""

    ready: frozenset[str] = frozenset()
    timers: dict[TimerKey, str] = field(default_factory=dict)

    @classmethod
    def of(cls, workflow: BpmnWorkflow) -> Snapshot:
        return cls(frozenset(str(task.id) for task in ready_human_tasks(workflow)), waiting_timers(workflow))


def all_tasks(workflow: BpmnWorkflow):
    """Every task of the workflow and its subprocesses; a flat walk, cheaper than Spiff's tree iterator."""
    yield from workflow.tasks.values()
    for subprocess in workflow.subprocesses.values():
        yield from subprocess.tasks.values()


def ready_human_tasks(workflow: BpmnWorkflow) -> list:
    return [task for task in all_tasks(workflow) if task.state == SpiffState.READY and task.task_spec.manual]


def sync_tasks(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, before: Snapshot) -> list[dict]:
    """Insert rows for newly READY human tasks; cancel rows whose task is no longer READY."""
    ready = {str(task.id): task for task in ready_human_tasks(workflow)}
    gone = before.ready - set(ready)
    if gone:
        session.connection().execute(statements.CANCEL_TASKS,
                                     {"b_instance": instance.id, "b_ids": sorted(gone), "b_now": now()})
    created = [_task_row(instance, task) for task_id, task in ready.items() if task_id not in before.ready]
    if created:
        _to_stand_ins(session, instance, created)
        session.connection().execute(statements.INSERT_TASK, created)
    return created


def _to_stand_ins(session: Session, instance: ProcessInstance, rows: list[dict]) -> None:
    """A task the process gives to a confidant who is temporarily inactive goes to the stand-in they named for the
    period (R14), and the instance's history says so. Not in a confidential process (a delicate case): what it is
    about is the confidant's own dossier, which a stand-in reads only when the requester consented, per dossier."""
    named = {row["assignee_id"] for row in rows if row["assignee_id"] is not None}
    if not named or instance.model_version.confidential:
        return
    today = now().astimezone(ZoneInfo(process_settings().display_timezone)).date()
    away, stand_in = aliased(Confidant), aliased(Confidant)
    replacing = {away_user: (stand_in_user, name) for away_user, stand_in_user, name in session.execute(
        select(away.user_id, stand_in.user_id, stand_in.name)
        .join(InactivityPeriod, InactivityPeriod.confidant_id == away.id)
        .join(stand_in, stand_in.id == InactivityPeriod.stand_in_id)
        .where(away.user_id.in_(named), InactivityPeriod.starts_on <= today, InactivityPeriod.ends_on >= today,
               InactivityPeriod.ended_on.is_(None), InactivityPeriod.cancelled_at.is_(None),
               stand_in.status == ConfidantStatus.ACTIVE, stand_in.user_id.is_not(None)))}
    for row in rows:
        if row["assignee_id"] in replacing:
            row["assignee_id"], name = replacing[row["assignee_id"]]
            session.connection().execute(statements.INSERT_HISTORY, {
                "instance_id": instance.id, "at": now(), "kind": "assigned", "step": row["title"], "actor_id": None,
                "detail": name})


def refresh_ready_rows(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """The READY rows of an instance moved to another version (app/engine/migration.py) take what the new
    version says of their step: its name, lane, form and version; who has it and since when stay."""
    for task in ready_human_tasks(workflow):
        row = _task_row(instance, task)
        session.execute(update(Task).where(Task.instance_id == instance.id, Task.spiff_task_id == row["spiff_task_id"],
                                           Task.state == TaskState.READY)
                        .values(spec_name=row["spec_name"], title=row["title"], lane=row["lane"],
                                form_name=row["form_name"], model_version_id=row["model_version_id"]),
                        execution_options={"synchronize_session": False})


def complete_task_row(session: Session, task: Task, user_id: int) -> None:
    """Mark a projected task completed by ``user_id``, only while it is still READY and nobody else has it: the
    caller read it before, and a colleague may have claimed it since (409), or completed it (TaskNotReady)."""
    done = session.connection().execute(statements.COMPLETE_TASK,
                                        {"b_id": task.id, "b_now": now(), "b_user": user_id})
    if done.rowcount != 1:
        state = session.execute(select(Task.state, Task.assignee_id).where(Task.id == task.id)).one_or_none()
        if state is not None and state.state == TaskState.READY:
            raise Conflict(_l("Een collega heeft deze taak intussen opgenomen; er werd niets bewaard."))
        raise TaskNotReady(_l("Deze taak werd al afgewerkt of is vervallen."))
    session.expire(task)


def _task_row(instance: ProcessInstance, spiff_task) -> dict:
    """The task table's row. A user task may name, in its properties, the data holding its assignee's user id
    (``assigneeVariable``), its due time (``dueAtVariable``, ISO; ``plan.deadline_at`` reads a nested key) and
    the moment it is offered to everyone of its lane, whatever their entity (``openToLaneAtVariable``)."""
    spec = spiff_task.task_spec
    properties = (getattr(spec, "extensions", None) or {}).get("properties", {})
    assignee = named_assignee(spiff_task.data, getattr(spec, "extensions", None) or {})
    due = _lookup(spiff_task.data, properties.get("dueAtVariable"))
    open_to_lane = _lookup(spiff_task.data, properties.get("openToLaneAtVariable"))
    return {
        "instance_id": instance.id, "model_version_id": instance.model_version_id, "subject": instance.subject,
        "spiff_task_id": str(spiff_task.id), "spec_name": spec.name,
        "title": spec.bpmn_name or spec.name, "lane": spec.lane or "", "entity_id": instance.entity_id,
        "assignee_id": assignee,
        "form_name": user_task_form(spec), "due_at": _due_time(due),
        "state": TaskState.READY.value, "created_at": now(), "completed_at": None, "completed_by_id": None,
        "notified_at": None, "open_to_lane_at": _due_time(open_to_lane),
    }


def named_assignee(data: dict, extensions: dict) -> int | None:
    """The user id that a task's data names as its assignee (the ``assigneeVariable`` property), else None."""
    assignee = _lookup(data, extensions.get("properties", {}).get("assigneeVariable"))
    return assignee if isinstance(assignee, int) and not isinstance(assignee, bool) else None


def _lookup(data: dict, path: str | None):
    value = data if path else None
    for key in (path or "").split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def waiting_timers(workflow: BpmnWorkflow) -> dict[TimerKey, str]:
    """(spiff task id, due time) -> spec name of every timer the workflow waits for."""
    found = {}
    for task in all_tasks(workflow):
        if task.state != SpiffState.WAITING:
            continue
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


@dataclass
class TimerChanges:
    created: list[tuple[int, datetime]]  # (id, due) of new pending rows: schedule their jobs
    cancelled: list[int]  # ids of rows whose timer was cancelled: cancel their jobs


def sync_timers(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, before: Snapshot) -> TimerChanges:
    """Pending rows for the timers the workflow waits for; a row whose timer went is marked fired (its task
    ran, or a cycle moved on) or cancelled (its task was cancelled)."""
    waiting = waiting_timers(workflow)
    cancelled: list[int] = []
    for task_id, due in before.timers:
        if (task_id, due) in waiting:
            continue
        params = {"b_instance": instance.id, "b_task": task_id, "b_due": due, "b_now": now()}
        if _timer_fired(workflow, task_id):
            session.connection().execute(statements.FIRE_TIMER, params)
        else:
            cancelled.extend(session.connection().execute(statements.CANCEL_TIMER, params).scalars())
    created = [
        Timer(instance_id=instance.id, spiff_task_id=task_id, spec_name=spec_name, due_at=due)
        for (task_id, due), spec_name in waiting.items() if (task_id, due) not in before.timers
    ]
    if created:
        session.add_all(created)
        session.flush()
    return TimerChanges([(timer.id, timer.due_at) for timer in created], cancelled)


def _timer_fired(workflow: BpmnWorkflow, task_id: str) -> bool:
    task = find_task(workflow, task_id)
    return task is not None and task.state != SpiffState.CANCELLED


def find_task(workflow: BpmnWorkflow, task_id: str):
    """The workflow's task with this id, or None (SpiffWorkflow raises instead)."""
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except TaskNotFoundException:
        return None
