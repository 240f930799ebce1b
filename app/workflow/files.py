"""Which uploaded files a submission may carry: its own uploads for this task, or those kept from an earlier
pass of the same task (a task sent back keeps its upload); a reference to anything else is refused."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.forms import FormDefinition
from app.models import StoredFile, Task, TaskState, User

_REFERENCE = re.compile(r"file:([1-9][0-9]{0,17})")


def reference(stored: StoredFile) -> str:
    """What form data holds for an uploaded file."""
    return f"file:{stored.id}"


def reference_errors(session: Session, user: User, form: FormDefinition, data: dict,
                     task: Task | None) -> dict[str, str]:
    """A message per file field whose value is not a file this submission may carry; {} when all are.

    ``task`` is None at a start: then only the user's own uploads that wait for their instance are allowed.
    The same message for a foreign, unknown or malformed reference: the answer tells nothing about other files.
    """
    errors = {}
    for field in form.fields:
        value = data.get(field.name)
        if field.kind == "file" and value is not None and not _may_carry(session, user, value, task):
            errors[field.name] = str(_l("Dit bestand hoort niet bij deze taak. Laad het bestand hier zelf op."))
    return errors


def attach_start_files(session: Session, form: FormDefinition, data: dict, task: Task) -> None:
    """Tie a start form's uploads to the start task, so that they serve this instance only."""
    for field in form.fields:
        stored = _stored(session, data.get(field.name)) if field.kind == "file" else None
        if stored is not None and stored.task_id is None:
            stored.task_id = task.id
    session.flush()


def kept_files(session: Session, form: FormDefinition, data: dict, task: Task) -> dict[str, str]:
    """The file fields whose value in the workflow data an earlier pass of this task uploaded (offered to keep)."""
    kept = {}
    for field in form.fields:
        stored = _stored(session, data.get(field.name)) if field.kind == "file" else None
        if stored is not None and stored.task_id in _earlier_passes(session, task):
            kept[field.name] = reference(stored)
    return kept


def without_files(form: FormDefinition, values: dict) -> dict:
    """The values without those of the form's file fields."""
    return {name: value for name, value in values.items() if not _is_file(form, name)}


def only_files(form: FormDefinition, values: dict) -> dict:
    """The values of the form's file fields."""
    return {name: value for name, value in values.items() if _is_file(form, name)}


def _is_file(form: FormDefinition, name: str) -> bool:
    field = form.field(name)
    return field is not None and field.kind == "file"


def _may_carry(session: Session, user: User, value: object, task: Task | None) -> bool:
    stored = _stored(session, value)
    if stored is None:
        return False
    if task is None:
        return stored.task_id is None and stored.uploaded_by_id == user.id
    if stored.task_id == task.id:
        return stored.uploaded_by_id == user.id
    return stored.task_id is not None and stored.task_id in _earlier_passes(session, task)


def _stored(session: Session, value: object) -> StoredFile | None:
    match = _REFERENCE.fullmatch(value) if isinstance(value, str) else None
    return session.get(StoredFile, int(match.group(1))) if match else None


def _earlier_passes(session: Session, task: Task) -> set[int]:
    """The completed tasks of the same step in the same instance (the passes before a send-back)."""
    return set(session.scalars(select(Task.id).where(
        Task.instance_id == task.instance_id, Task.spec_name == task.spec_name, Task.id != task.id,
        Task.state == TaskState.COMPLETED)))
