"""Who hears of a new task: its assignee, else every active user who may act on it (the policy decides)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import policy
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import Entity, ProcessInstance, Role, Task, User, UserRole

TASK_ASSIGNED = "task_assigned"


def notify_new_tasks(session: Session, task_rows: list[dict]) -> int:
    """Queue a ``task_assigned`` mail per recipient of each newly projected human task; returns how many.

    ``task_rows`` are the dicts the projection inserts (instance_id, spiff_task_id, title, lane, entity_id,
    assignee_id, and due_at when known); the task's id is looked up when the row does not carry it.
    """
    queued = 0
    for row in task_rows:
        recipients = task_recipients(session, row)
        if not recipients:
            continue
        contexts: dict[str, dict] = {}  # one per language among the recipients
        for user in recipients:
            locale = locale_of(user)
            context = contexts.get(locale) or contexts.setdefault(locale, task_context(session, row, locale))
            queue_mail(session, user.email, TASK_ASSIGNED, TASK_ASSIGNED, context, instance_id=row["instance_id"],
                       locale=locale)
            queued += 1
    return queued


def task_recipients(session: Session, row: dict) -> list[User]:
    """The assignee when the task has one (and is active), else the active users whose lane and scope fit."""
    if row.get("assignee_id") is not None:
        assignee = session.get(User, row["assignee_id"])
        return [assignee] if assignee is not None and assignee.active else []
    try:
        role = Role(row["lane"])
    except ValueError:  # "system" or no lane: nobody to tell
        return []
    candidates = session.scalars(select(User).join(UserRole).where(
        UserRole.role == role.value, User.active.is_(True)).order_by(User.id))
    return [user for user in candidates if policy.acts_for(user, role, row["entity_id"])]


def task_context(session: Session, row: dict, locale: str | None = None) -> dict:
    """The names, date and ids a ``task_assigned`` mail may show (the model's names in ``locale``): nothing from
    the task's data."""
    instance = session.get(ProcessInstance, row["instance_id"])
    entity = session.get(Entity, row["entity_id"])
    version = instance.model_version
    return {
        "process": one_line(model_texts.process_name(version, locale)),
        "step": one_line(model_texts.model_text(row["title"], version, locale)),
        "entity": one_line(entity.name),
        "due_date": format_due(row.get("due_at"), current_settings().display_timezone, locale),
        "task_id": row.get("id") or _task_id(session, row),
    }


def _task_id(session: Session, row: dict) -> int | None:
    return session.scalar(select(Task.id).where(Task.instance_id == row["instance_id"],
                                                Task.spiff_task_id == row["spiff_task_id"]))
