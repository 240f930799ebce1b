"""What the workflow pages show, assembled from the services (no rules here)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import policy
from app.engine import registry, runner
from app.engine.errors import InvalidData
from app.forms import FormDefinition
from app.models import Entity, ProcessModel, ProcessModelVersion, SavedFilter, Task, User, UserRole
from app.workflow import files, saved_filters, services
from app.workflow.inbox import InboxPage, InboxQuery, filter_options, inbox_page

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


PARAM_LABELS = {"process": _l("Proces"), "entity": _l("Entiteit"), "due": _l("Termijn"), "assigned": _l("Welke taken"),
                "q": _l("Zoeken"), "sort": _l("Sorteren"), "page": _l("Pagina"), "per_page": _l("Taken per pagina")}


@dataclass(frozen=True)
class RowActions:
    """What the user may do with one task of the list (the policy decides; the template only shows)."""

    open: bool  # its task page
    claim: bool
    release: bool

    @property
    def hand_over(self) -> bool:
        return self.claim or self.release  # as policy.can_hand_over


@dataclass
class InboxScreen:
    """The inbox page: the page of tasks (None when the filter is wrong), the reasons per parameter, what the
    filter bar offers and the user's saved filters."""

    query: InboxQuery
    page: InboxPage | None
    errors: dict[str, str] = field(default_factory=dict)
    processes: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    entities: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    saved: list[SavedFilter] = field(default_factory=list)
    actions: dict[int, RowActions] = field(default_factory=dict)  # by task id

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(what the user calls the parameter, why it is wrong); a parameter we do not know keeps its own name."""
        return [(str(PARAM_LABELS.get(param, param)), reason) for param, reason in self.errors.items()]


def inbox_screen(session: Session, user: User, args: Mapping[str, str]) -> InboxScreen:
    try:
        query = InboxQuery.from_args(args)
        page, errors = inbox_page(session, user, query, with_counts=True), {}
        processes, entities = page.processes, page.entities
    except InvalidData as exc:
        query, page, errors = InboxQuery(), None, exc.errors
        processes, entities = filter_options(session, user)
    if query.process and query.process not in dict(processes):  # chosen, though none of the user's tasks has it now
        model = session.get(ProcessModel, query.process)
        processes.append((query.process, model_texts.process_name(model.current_version) if model.current_version
                          else model.name))
    if query.entity and query.entity not in dict(entities):
        entities.append((query.entity, session.scalar(select(Entity.name).where(Entity.code == query.entity))))
    actions = {task.id: RowActions(policy.can_complete(user, task), policy.can_claim(user, task),
                                   policy.can_release(user, task)) for task in (page.tasks if page else [])}
    return InboxScreen(query, page, errors, processes, entities, saved_filters.filters_of(session, user), actions)


def colleagues_for(session: Session, user: User, task: Task) -> list[tuple[str, str]]:
    """(e-mail, name) of whom ``user`` may hand the task to: active people of its lane and scope (none when they
    may not hand it over)."""
    if not policy.can_hand_over(user, task):
        return []
    candidates = session.scalars(select(User).join(UserRole).where(
        UserRole.role == task.lane, User.active.is_(True), User.id != user.id).order_by(User.name))
    return [(colleague.email, colleague.name) for colleague in candidates if policy.can_assign(user, task, colleague)]
