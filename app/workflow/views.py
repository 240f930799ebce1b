"""What the workflow pages show, assembled from the services (no rules here)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app import i18n, model_texts
from app.auth import policy
from app.engine import runner
from app.engine.errors import InvalidData
from app.forms import FormDefinition
from app.intervision.compliance_export import OwnPanel, own_panel
from app.models import Entity, ProcessModel, ProcessModelVersion, SavedFilter, Task, User, UserRole
from app.ui import Deadline, Deadlines, format_datetime
from app.web import url_pattern
from app.workflow import choices, files, inbox_table, instance_table, saved_filters, services
from app.workflow.inbox import InboxPage, InboxQuery, InboxTask, filter_options, inbox_page
from app.workflow.instance_list import FilterChoices, InstancePage, list_instances
from app.workflow.instance_list import filter_choices as filter_choices_of_instances

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
    form = choices.offered(session, task, form) if form is not None else None
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


_CURRENT_VERSIONS = (select(ProcessModelVersion)
                     .join(ProcessModel, ProcessModel.current_version_id == ProcessModelVersion.id)
                     .options(contains_eager(ProcessModelVersion.model)).order_by(ProcessModel.name))


def current_versions(session: Session) -> list[ProcessModelVersion]:
    """The current version of every process, with its model, by name."""
    return list(session.scalars(_CURRENT_VERSIONS))


def startable(user: User, versions: list[ProcessModelVersion]) -> list[ProcessModelVersion]:
    """Of these versions, those ``user`` may start for some entity."""
    return [version for version in versions if version.start_task and policy.can_start_somewhere(user, version)]


PARAM_LABELS = {"process": _l("Proces"), "entity": _l("Entiteit"), "due": _l("Termijn"), "assigned": _l("Welke taken"),
                "q": _l("Zoeken"), "sort": _l("Sorteren"), "page": _l("Pagina"), "per_page": _l("Taken per pagina")}


@dataclass(slots=True)  # not frozen: fifty a page, and frozen costs six times as much to build
class InboxRow:
    """One task as its row shows it, every text ready in the reader's language: a page of fifty rows then costs the
    template only its HTML. What the user may do with it is the policy's (open, claim, release)."""

    id: int
    title: str
    subject: str | None
    process: str
    entity: str
    since_iso: str  # when the task came
    since_text: str
    due: Deadline | None
    holder: str  # "me", "colleague" or "nobody"
    holder_name: str | None  # the colleague who has it
    url: str | None  # its task page, when the user may open it
    claim_url: str | None  # when the user may take it
    release_url: str | None  # when the user may give it back
    hand_over_url: str | None  # when the user may hand it to a colleague

    @property
    def late(self) -> bool:
        return self.due is not None and self.due.state.late


def inbox_rows(user: User, tasks: list[InboxTask]) -> list[InboxRow]:
    """The rows of a page of tasks; the language, time zone, moment, URLs and the user's rights are found once for
    all of them."""
    shown, rules = i18n.display(), policy.task_rules(user)
    deadlines = Deadlines(rules.at, shown)
    task_url, claim_url, release_url = (url_pattern(endpoint, "task_id") for endpoint in
                                        ("workflow.task", "workflow.claim", "workflow.release"))
    translators = {task.version.id: model_texts.for_version(task.version, shown.locale) for task in tasks}
    rows = []
    for task in tasks:
        holder = "nobody" if task.assignee_id is None else "me" if task.assignee_id == user.id else "colleague"
        translate = translators[task.version.id]
        claim, release = rules.can_claim(task), rules.can_release(task)
        rows.append(InboxRow(
            id=task.id, title=translate(task.title), subject=task.subject, process=translate(task.version.model.name),
            entity=task.entity_name, url=task_url(task.id) if rules.can_complete(task) else None,
            since_iso=task.created_at.isoformat(), since_text=format_datetime(task.created_at, shown),
            due=deadlines(task.due_at), holder=holder,
            holder_name=task.assignee_name if holder == "colleague" else None,
            claim_url=claim_url(task.id) if claim else None, release_url=release_url(task.id) if release else None,
            hand_over_url=f"{task_url(task.id)}#overdragen" if claim or release else None))
    return rows


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
    rows: list[InboxRow] = field(default_factory=list)  # the page's tasks
    startable: list[ProcessModelVersion] = field(default_factory=list)  # the processes the user may start
    intervision: OwnPanel | None = None  # a confidant's own intervision and training this year (R12, R13)

    def table_body(self) -> Markup:
        return inbox_table.body(self.rows, inbox_table.Words.translated())

    @property
    def error_list(self) -> list[tuple[str, str]]:
        """(what the user calls the parameter, why it is wrong); a parameter we do not know keeps its own name."""
        return [(str(PARAM_LABELS.get(param, param)), reason) for param, reason in self.errors.items()]


def inbox_screen(session: Session, user: User, args: Mapping[str, str]) -> InboxScreen:
    current = current_versions(session)  # for the start buttons, and most of the tasks' versions
    try:
        query = InboxQuery.from_args(args)
        page, errors = inbox_page(session, user, query, with_counts=True,
                                  versions={version.id: version for version in current}), {}
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
    rows = inbox_rows(user, page.tasks) if page else []
    return InboxScreen(query, page, errors, processes, entities, saved_filters.filters_of(session, user), rows,
                       startable(user, current), own_panel(session, user))


@dataclass
class InstancesScreen:
    """The instance list's page: the page (None when a filter is wrong), the reasons per filter, what the filter
    bar offers and the table's rows."""

    page: InstancePage | None
    errors: dict[str, str]
    choices: FilterChoices
    table_body: Markup = Markup()


def instances_screen(session: Session, user: User, args: Mapping[str, str]) -> InstancesScreen:
    current = current_versions(session)  # for the filter's processes, and most of the rows' versions
    try:
        page = list_instances(session, user, args, versions={version.id: version for version in current})
    except InvalidData as exc:  # the filter bar says what is wrong; no list from half of the filters
        return InstancesScreen(None, exc.errors, filter_choices_of_instances(session, user, current))
    return InstancesScreen(page, {}, filter_choices_of_instances(session, user, current, page),
                           instance_table.body(page.rows, page.status_only))


def colleagues_for(session: Session, user: User, task: Task) -> list[tuple[str, str]]:
    """(e-mail, name) of whom ``user`` may hand the task to: active people of its lane and scope (none when they
    may not hand it over)."""
    if not policy.can_hand_over(user, task):
        return []
    candidates = session.scalars(select(User).join(UserRole).where(
        UserRole.role == task.lane, User.active.is_(True), User.id != user.id).order_by(User.name))
    return [(colleague.email, colleague.name) for colleague in candidates if policy.can_assign(user, task, colleague)]
