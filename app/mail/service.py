"""``mail.notify``: the service task BPMN steps call to send a reminder or a certificate rejection.

In a diagram: ``<spiffworkflow:serviceTaskOperator id="mail.notify">`` with the parameters ``template``
(``"reminder"`` or ``"certificate_rejected"``) and ``to_user_id`` (an expression giving a user id).
The mail reads only the task-data fields listed in ``DATA_FIELDS`` for its template, never the rest.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import policy
from app.engine.services import ServiceContext, service
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import Entity, ProcessInstance, Task, TaskState, User

# Per template: task-data field -> template field. These are categorical or short administrative values
# (a deadline's name, a date, the PAPSY's reason for refusing a training certificate), never dossier text.
DATA_FIELDS: dict[str, dict[str, str]] = {
    "reminder": {"reminder_what": "what", "due_date": "due_date"},
    "certificate_rejected": {"rejection_reason": "reason"},
}
REASON_LIMIT = 1000


@service("mail.notify")
def notify(context: ServiceContext, params: dict[str, Any], data: dict[str, Any]) -> int | None:
    """Queue one mail to the user ``params['to_user_id']``; returns the outbox id (None: user inactive)."""
    template = params.get("template")
    if template not in DATA_FIELDS:
        raise ValueError(f"mail.notify: template must be one of {sorted(DATA_FIELDS)}")
    recipient = _recipient(context.session, params.get("to_user_id"))
    if not recipient.active:
        return None
    fields = _mail_fields(context, template, recipient, data)
    message = queue_mail(context.session, recipient.email, template, template, fields,
                         instance_id=context.instance_id, locale=locale_of(recipient))
    return message.id


def _recipient(session: Session, user_id: Any) -> User:
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise ValueError("mail.notify: to_user_id must be a user id")  # noqa: TRY004 (a model error)
    user = session.get(User, user_id)
    if user is None:
        raise ValueError("mail.notify: to_user_id names no user")
    return user


def _mail_fields(context: ServiceContext, template: str, recipient: User, data: dict[str, Any]) -> dict:
    """The instance's names (in the recipient's language) and the recipient's open task, plus the template's
    listed data fields."""
    instance = context.session.get(ProcessInstance, context.instance_id)
    task = _open_task(context.session, context.instance_id, recipient)
    translate = model_texts.for_version(instance.model_version, locale_of(recipient))
    fields = {
        "instance_id": context.instance_id,
        "process": one_line(translate(instance.model_version.model.name)),
        "entity": one_line(context.session.get(Entity, context.entity_id).name),
        "task_id": task.id if task else None,
    }
    picked = {name: data.get(key) for key, name in DATA_FIELDS[template].items()}
    if template == "reminder":
        fields.update(_reminder_fields(picked, task, translate, locale_of(recipient)))
    else:
        fields["reason"] = _required(picked["reason"], "rejection_reason")[:REASON_LIMIT]
    return fields


def _reminder_fields(picked: dict, task: Task | None, translate: model_texts.Translator, locale: str) -> dict:
    """What and when: from the listed data fields, else from the recipient's open task (its step name translated)."""
    what = picked["what"] or (translate(task.title) if task else None)
    due = picked["due_date"] or (task.due_at if task else None)
    due_date = format_due(due, current_settings().display_timezone, locale)
    if due_date is None:
        raise ValueError("mail.notify: a reminder needs due_date in the task data or a due date on the open task")
    return {"what": one_line(_required(what, "reminder_what")), "due_date": due_date}


def _required(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"mail.notify: {name} is missing")
    return value.strip()


def _open_task(session: Session, instance_id: int, user: User) -> Task | None:
    """The recipient's first READY task in the instance, for the link in the mail."""
    tasks = session.scalars(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY)
                            .order_by(Task.id))
    return next((task for task in tasks if policy.can_complete(user, task)), None)
