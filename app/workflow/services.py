"""The use cases of the workflow area; the web pages and the JSON API both call these."""
from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app import model_texts
from app.auth import policy
from app.auth.accounts import entity_by_code
from app.clock import now
from app.engine import registry, runner
from app.engine.errors import InvalidData, NotAllowed, NotFound, TaskNotReady
from app.engine.specs import user_task_form
from app.forms import FormDefinition, validate_data
from app.models import (
    Entity,
    ProcessInstance,
    ProcessModelVersion,
    StoredFile,
    Task,
    TaskState,
    User,
)
from app.workflow import files, keepers
from app.workflow.checks import run_checks


def form_of(version: ProcessModelVersion, name: str, locale: str | None = None) -> FormDefinition:
    """The form ``name`` as deployed with ``version``, its texts in ``locale`` (default: the reader's); cached per
    version and locale."""
    locale = locale or model_texts.current_locale()
    key = (version.id, version.checksum, name, locale)
    if key not in _FORMS:
        stored = version.forms.get(name)
        if stored is None:
            raise NotFound(_l("Formulier '%(name)s' ontbreekt in deze versie van het proces.", name=name))
        _FORMS[key] = FormDefinition.from_dicts(name, stored["schema"], stored.get("ui"),
                                                model_texts.for_version(version, locale))
    return _FORMS[key]


_FORMS: dict[tuple[int, str, str, str], FormDefinition] = {}


def start_form(version: ProcessModelVersion) -> FormDefinition | None:
    if not version.start_task:
        return None
    return form_of(version, user_task_form(runner.start_task_spec(version)))


def find_entity(session: Session, code: str | None) -> Entity:
    entity = entity_by_code(session, code)
    if entity is None:
        raise InvalidData({"entity": _l("Onbekende entiteit.")})
    return entity


def start_process(session: Session, user: User, model_key: str, entity: Entity, data: dict) -> ProcessInstance:
    """Start ``model_key`` for ``entity`` with the start form's ``data``: all of it, or nothing."""
    version = registry.current_version(session, model_key)
    form = start_form(version)
    if form is None or not policy.can_start(user, version, entity):
        raise NotAllowed(_l("U mag dit proces niet starten voor deze entiteit."))
    _validate(session, user, form, entity.id, data)
    instance = runner.start(session, version, entity.id, user, subject=_subject(form, data))
    task = session.scalar(select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY,
                                             Task.spec_name == version.start_task))
    files.attach_start_files(session, form, data, task)
    runner.complete(session, task, data, user)
    return instance


def complete_task(session: Session, user: User, task_id: int, data: dict) -> ProcessInstance:
    """Complete a READY task the user may act on, with data valid for its form; one transaction."""
    task = task_for(session, user, task_id)
    if task.state != TaskState.READY:
        raise TaskNotReady(_l("Deze taak werd al afgewerkt of is vervallen."))
    instance = task.instance
    form = form_of(instance.model_version, task.form_name)
    _validate(session, user, form, task.entity_id, data, task)
    subject = _subject(form, data)
    if subject and subject != instance.subject:
        runner.rename(session, instance, subject)
    runner.complete(session, task, keepers.for_the_workflow(session, user, form.name, task, data), user)
    return instance


_WITH_STATE = [joinedload(Task.instance).undefer(ProcessInstance.state_json)]  # built once: on every completion


def task_for(session: Session, user: User, task_id: int) -> Task:
    """The task, if the user may act on it (404 when it does not exist, 403 when not theirs)."""
    task = session.get(Task, task_id, options=_WITH_STATE)
    if task is None:
        raise NotFound(_l("Deze taak bestaat niet."))
    if not policy.can_complete(user, task):
        raise NotAllowed(_l("Deze taak is niet voor u."))
    return task


def task_data(session: Session, task: Task) -> dict:
    """The workflow data at this task."""
    return runner.task_view(task).data


def form_values(session: Session, task: Task, data: dict, form: FormDefinition | None = None) -> dict:
    """What the task's form starts from: the workflow data, except on a task done before in this instance
    (a second review after a correction starts empty, not with the first decision; an upload may be kept)."""
    done_before = session.scalar(select(Task.id).where(
        Task.instance_id == task.instance_id, Task.spec_name == task.spec_name,
        Task.state == TaskState.COMPLETED).limit(1))
    values = {} if done_before is not None else data
    if form is None:
        return values
    return {**files.without_files(form, values), **files.kept_files(session, form, data, task)}


def file_store(session: Session, user: User, task: Task | None = None):
    """A ``store_file`` for form submissions: keeps the bytes with their checksum and the task they were
    uploaded for (None on a start form), returns a reference."""

    def store(file_storage, content: bytes, mimetype: str) -> str:
        stored = StoredFile(sha256=hashlib.sha256(content).hexdigest(), size=len(content), mimetype=mimetype,
                            content=content, uploaded_by_id=user.id, task_id=task.id if task else None,
                            created_at=now())
        session.add(stored)
        session.flush()
        return files.reference(stored)

    return store


def file_for(session: Session, user: User, file_id: int) -> StoredFile:
    """An uploaded file the user may see (404 when it does not exist, 403 when not theirs)."""
    stored = session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound(_l("Dit bestand bestaat niet."))
    uploader = session.get(User, stored.uploaded_by_id) if stored.uploaded_by_id else None
    if not policy.can_view_file(user, uploader):
        raise NotAllowed(_l("U mag dit bestand niet inkijken."))
    return stored


def _validate(session: Session, user: User, form: FormDefinition, entity_id: int, data: dict,
              task: Task | None = None) -> None:
    """The JSON Schema first, then the files it refers to and the rules registered for this form
    (app/workflow/checks.py)."""
    errors = validate_data(form, data) or {
        **run_checks(session, form.name, entity_id, data, task.instance_id if task else None),
        **files.reference_errors(session, user, form, data, task)}
    if errors:
        raise InvalidData(errors)


def _subject(form: FormDefinition, data: dict) -> str | None:
    field = (form.ui_schema or {}).get("ui:subjectField")
    value = data.get(field) if field else None
    return str(value)[:200] if value else None


def versions_by_id(session: Session, ids: set[int],
                   known: dict[int, ProcessModelVersion] | None = None) -> dict[int, ProcessModelVersion]:
    """Process versions with their models by id, for the rows of a list. ``known``: those the caller read already
    (the inbox: the current versions, for its start buttons); what is read here is added to it for the next call."""
    known = known if known is not None else {}
    if missing := ids - known.keys():
        known.update((version.id, version) for version in session.scalars(
            select(ProcessModelVersion).where(ProcessModelVersion.id.in_(missing))
            .options(joinedload(ProcessModelVersion.model))))
    return {version_id: known[version_id] for version_id in ids}
