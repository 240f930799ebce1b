"""One process instance: how much of it a user sees, its history, open tasks, waiting timers and what its closed
tasks decided. The web page and the JSON API both call these."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import model_texts, ui
from app.auth import policy
from app.engine import runner
from app.engine.errors import NotAllowed, NotFound
from app.forms import FormDefinition
from app.models import HistoryEvent, ProcessInstance, Task, TaskState, Timer, TimerState, User
from app.workflow import instance_diagram
from app.workflow.services import form_of


@dataclass(frozen=True)
class ClosedTask:
    """A completed task: who completed it and when (on the task), and what they submitted in its form's fields."""

    task: Task
    form: FormDefinition | None
    values: dict


@dataclass
class InstancePage:
    """What the instance page shows ``user``: with STATUS access only the instance itself, the rest stays empty."""

    instance: ProcessInstance
    access: policy.InstanceAccess
    history: list[HistoryEvent] = field(default_factory=list)
    open_tasks: list[Task] = field(default_factory=list)
    can_act: set[int] = field(default_factory=set)
    timers: list[tuple[Timer, str | None]] = field(default_factory=list)  # with the diagram's name for each
    closed_tasks: list[ClosedTask] = field(default_factory=list)
    steps: list[instance_diagram.Step] = field(default_factory=list)  # where it stands, as a list
    data_names: list[str] = field(default_factory=list)  # for an admin: the names of its data, never the values


def instance_for(session: Session, user: User, instance_id: int) -> tuple[ProcessInstance, policy.InstanceAccess]:
    """The instance and how much of it the user may see (404 when it does not exist, 403 when nothing)."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(_l("Dit proces bestaat niet."))
    participant = session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.id == instance.id, policy.participates_in(user))) is not None
    access = policy.instance_access(user, instance, participant)
    if access is policy.InstanceAccess.NONE:
        raise NotAllowed(_l("U mag dit proces niet inkijken."))
    return instance, access


def instance_page(session: Session, user: User, instance_id: int) -> InstancePage:
    """Everything the instance page shows ``user`` (404, 403 as ``instance_for``)."""
    instance, access = instance_for(session, user, instance_id)
    if access is not policy.InstanceAccess.FULL:
        return InstancePage(instance, access)
    tasks = open_tasks(session, instance)
    steps, data_names = instance_diagram.instance_steps(instance)
    return InstancePage(
        instance, access, history=history(session, instance), open_tasks=tasks,
        can_act={task.id for task in tasks if policy.can_complete(user, task)},
        timers=[(timer, runner.step_title(instance.model_version, timer.spec_name))
                for timer in open_timers(session, instance)],
        closed_tasks=closed_tasks(session, instance), steps=steps,
        data_names=data_names if policy.can_view_data_names(user, access) else [])


def history(session: Session, instance: ProcessInstance) -> list[HistoryEvent]:
    return list(session.scalars(select(HistoryEvent).where(HistoryEvent.instance_id == instance.id)
                                .order_by(HistoryEvent.at, HistoryEvent.id)))


def open_tasks(session: Session, instance: ProcessInstance) -> list[Task]:
    return list(session.scalars(select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY)))


def pending_timers(session: Session, instance: ProcessInstance) -> list[Timer]:
    return list(session.scalars(select(Timer).where(Timer.instance_id == instance.id,
                                                    Timer.state == TimerState.PENDING).order_by(Timer.due_at)))


def open_timers(session: Session, instance: ProcessInstance) -> list[Timer]:
    """The timers still to fire: waiting, held (the instance is suspended) or failed (an incident)."""
    return list(session.scalars(select(Timer).where(
        Timer.instance_id == instance.id, Timer.state.in_((TimerState.PENDING, TimerState.HELD, TimerState.FAILED)))
        .order_by(Timer.due_at)))


def closed_tasks(session: Session, instance: ProcessInstance) -> list[ClosedTask]:
    """The completed tasks in the order they were done, each with what was submitted in its form's fields
    (read from one load of the workflow state). Only for who may see the whole instance (policy.can_view_instance)."""
    tasks = list(session.scalars(
        select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.COMPLETED)
        .options(selectinload(Task.completed_by)).order_by(Task.completed_at, Task.id)))
    if not tasks:
        return []
    submitted = runner.submitted_values(instance, [task.spiff_task_id for task in tasks])
    closed = []
    for task in tasks:
        form = form_of(instance.model_version, task.form_name) if task.form_name else None
        closed.append(ClosedTask(task, form, _form_fields(form, submitted.get(task.spiff_task_id, {}))))
    return closed


def _form_fields(form: FormDefinition | None, data: dict) -> dict:
    """Only the values of the form's own, visible fields: the rest of the workflow data is not this task's."""
    if form is None:
        return {}
    return {field.name: data[field.name] for field in form.fields if field.kind != "hidden" and field.name in data}


def incident_text(instance) -> str | None:
    """What went wrong with ``instance`` (a ProcessInstance or a list's row), in the reader's language: the step of
    the failed timer as the diagram names it, how often it failed and what it ran into. An incident stored as text
    by an older version is shown as it was."""
    if not instance.incident:
        return None
    try:
        record = json.loads(instance.incident)
    except ValueError:
        return instance.incident
    if not isinstance(record, dict) or "timer" not in record:
        return instance.incident
    name = runner.step_names(instance.model_version, str(record["timer"])).name
    words = {"count": int(record.get("attempts") or 0), "cause": ui.failure_label(record.get("cause") or "unexpected")}
    if name:
        return _("Termijn '%(name)s' faalde %(count)d keer: %(cause)s.",
                 name=model_texts.model_text(name, instance.model_version), **words)
    return _("Een termijn faalde %(count)d keer: %(cause)s.", **words)
