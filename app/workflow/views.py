"""What the workflow pages show, assembled from the services (no rules here)."""
from __future__ import annotations

from dataclasses import dataclass

from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import policy
from app.engine import registry, runner
from app.forms import FormDefinition
from app.models import Entity, ProcessModelVersion, Task, User
from app.workflow import files, services

_instructions_env = SandboxedEnvironment(autoescape=False)


@dataclass
class TaskScreen:
    form: FormDefinition | None
    data: dict  # the workflow data at the task, for instructions and shown forms
    values: dict  # what the form starts from
    instructions: str | None
    shown_form: FormDefinition | None  # another form whose data this task reviews


def task_screen(session: Session, task: Task) -> TaskScreen:
    version = task.instance.model_version
    view = runner.task_view(task)
    shown = view.extensions.get("properties", {}).get("showDataOfForm")
    form = services.form_of(version, task.form_name) if task.form_name else None
    return TaskScreen(
        form=form,
        data=view.data,
        values=services.form_values(session, task, view.data, form),
        instructions=_render_instructions(
            model_texts.model_text(view.extensions.get("instructionsForEndUser"), version), view.data),
        shown_form=services.form_of(version, shown) if shown else None,
    )


def shown_again(screen: TaskScreen, values: dict) -> dict:
    """A refused submission's values for the form again: its uploads were not stored, so a file field shows
    what the screen offered to keep (if anything), never a posted reference."""
    return {**files.without_files(screen.form, values), **files.only_files(screen.form, screen.values)}


def _render_instructions(template: str | None, data: dict) -> str | None:
    if not template:
        return None
    try:
        return _instructions_env.from_string(template).render(**data)
    except Exception:  # a broken template in a diagram must not break the task screen
        return template


def startable_processes(session: Session, user: User) -> list[ProcessModelVersion]:
    entities = list(session.scalars(select(Entity)))
    versions = [model.current_version for model in registry.list_models(session) if model.current_version]
    return [v for v in versions if v.start_task and policy.startable_entities(user, v, entities)]
