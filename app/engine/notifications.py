"""Which new human tasks still have to be announced to the people who may act on them."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Task, TaskState


def unannounced(session: Session, limit: int, older_than: timedelta | None = None) -> list[Task]:
    query = select(Task).where(Task.state == TaskState.READY, Task.notified_at.is_(None))
    if older_than is not None:
        query = query.where(Task.created_at < now() - older_than)
    return list(session.scalars(query.order_by(Task.id).limit(limit)))


def as_row(task: Task) -> dict:
    return {"id": task.id, "instance_id": task.instance_id, "spiff_task_id": task.spiff_task_id,
            "spec_name": task.spec_name, "title": task.title, "lane": task.lane, "entity_id": task.entity_id,
            "assignee_id": task.assignee_id, "form_name": task.form_name, "due_at": task.due_at}


def mark_announced(session: Session, task_ids: list[int]) -> None:
    if task_ids:
        session.execute(update(Task).where(Task.id.in_(task_ids)).values(notified_at=now()),
                        execution_options={"synchronize_session": False})
