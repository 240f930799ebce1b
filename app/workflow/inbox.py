"""The inbox: the tasks a person may act on (or find in their scope), filtered, sorted and paged. One service for
the web page and the JSON API; both read the same query parameters with ``InboxQuery.from_args``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import Session, contains_eager, lazyload
from werkzeug.datastructures import MultiDict

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData
from app.forms.validation import is_clean_text
from app.models import Entity, ProcessInstance, ProcessModel, ProcessModelVersion, Task, TaskState, User
from app.ui import DUE_SOON  # "soon" means what the due badges say

DUE = ("late", "soon", "none")
ASSIGNED = ("me", "unassigned", "any")  # absent: "to do", the user's own tasks and those nobody has
SORT_KEYS = ("due_at", "created_at", "process", "entity")
SORTS = (*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS))
MAX_Q, MAX_PER_PAGE, DEFAULT_PER_PAGE = 100, 200, 50
MAX_OFFSET = 10_000  # OFFSET paging stays cheap this deep; further, a narrower filter is asked for
_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox is asked for; every field is checked by ``from_args``."""

    process: str | None = None  # a process model's key
    entity: str | None = None  # an entity's code
    due: str | None = None  # late, soon, none
    assigned: str | None = None  # me, unassigned, any; None: the "to do" view
    q: str | None = None  # in step names and instance subjects
    sort: str = "due_at"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxQuery:
        """The query of these request parameters; an empty value counts as absent. Raises InvalidData naming
        every bad parameter (unknown, repeated, or a value out of its range)."""
        values, errors = _single_values(args)
        query = _parse(values, errors)
        if errors:
            raise InvalidData(errors, str(_l("De filter van de takenlijst klopt niet.")))
        return query

    def to_args(self, *, paging: bool = True) -> dict[str, str]:
        """The parameters that differ from the defaults (for links and saved filters)."""
        defaults = asdict(InboxQuery())
        args = {name: str(value) for name, value in asdict(self).items() if value != defaults[name]}
        if not paging:
            args.pop("page", None)
            args.pop("per_page", None)
        return args

    def query_string(self) -> str:
        return urlencode(self.to_args(paging=False))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Counts:
    """How many tasks each choice of the filter bar gives, the other filters staying as they are."""

    due: dict[str, int] = field(default_factory=dict)  # late, soon, none, all
    assigned: dict[str, int] = field(default_factory=dict)  # todo, me, unassigned, any


@dataclass(frozen=True)
class InboxPage:
    query: InboxQuery
    tasks: list[Task]
    total: int
    counts: Counts | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def inbox_page(session: Session, user: User, query: InboxQuery, *, with_counts: bool = False) -> InboxPage:
    """One page of the user's inbox, its total and (for the web page's filter bar) the counts per choice."""
    at = now()
    common = _common_conditions(session, user, query)
    due, assigned = _due_condition(query.due, at), _assigned_condition(user, query.assigned)
    if with_counts:
        counts = Counts(_due_counts(session, [*common, assigned], at), _assigned_counts(session, user, [*common, due]))
        total = counts.due[query.due or "all"]
    else:
        counts = None
        total = session.scalar(_joined(select(func.count(Task.id))).where(*common, assigned, due))
    tasks = list(session.scalars(_page_statement(query, [*common, assigned, due]))) if total > query.offset else []
    return InboxPage(query, tasks, total, counts)


def filter_options(session: Session, user: User) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The processes (key, name) and entities (code, name) of the tasks the user finds now: what the filter bar
    offers (a process the user has no part in is not even named)."""
    rows = session.execute(_joined(select(ProcessModel.key, ProcessModel.name, Entity.code, Entity.name))
                           .join(ProcessModelVersion, ProcessModelVersion.id == ProcessInstance.model_version_id)
                           .join(ProcessModel, ProcessModel.key == ProcessModelVersion.model_key)
                           .join(Entity, Entity.id == Task.entity_id)
                           .where(Task.state == TaskState.READY, policy.tasks_findable_by(user)).distinct()).all()
    processes = sorted({(row[0], row[1]) for row in rows}, key=lambda option: (option[1].lower(), option[0]))
    entities = sorted({(row[2], row[3]) for row in rows}, key=lambda option: (option[1].lower(), option[0]))
    return processes, entities


def check_query_string(session: Session, query_string: str) -> InboxQuery:
    """A stored query string parsed as the inbox parses its URL, with its process and entity looked up."""
    query = InboxQuery.from_args(MultiDict(parse_qsl(query_string, keep_blank_values=True)))
    _lookups(session, query)
    return query


# -- reading the parameters --------------------------------------------------------------------------------------

def _single_values(args: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    names = {field_name for field_name in InboxQuery.__dataclass_fields__}
    values, errors = {}, {}
    for name in args:
        given = args.getlist(name) if hasattr(args, "getlist") else [args[name]]
        if name not in names:
            errors[name] = str(_l("Onbekende parameter."))
        elif len(given) > 1:
            errors[name] = str(_l("Geef deze parameter maar één keer op."))
        elif given[0].strip():
            values[name] = given[0].strip()
    return values, errors


def _parse(values: dict[str, str], errors: dict[str, str]) -> InboxQuery:
    choices = {  # in the user's words, with the values the URL (and the API) takes
        "due": (DUE, _l("Kies te laat (late), binnen 14 dagen (soon) of zonder termijn (none).")),
        "assigned": (ASSIGNED, _l("Kies van mij (me), niet opgenomen (unassigned) of iedereen (any).")),
        "sort": (SORTS, _l("Sorteer op termijn (due_at), sinds (created_at), proces (process) of entiteit (entity); "
                           "met een - ervoor in omgekeerde volgorde."))}
    for name, (allowed, message) in choices.items():
        if name in values and values[name] not in allowed:
            errors[name] = str(message)
    for name in ("process", "entity", "q"):
        if name in values and not is_clean_text(values[name]):
            errors[name] = str(_l("Deze tekst bevat tekens die niet toegelaten zijn."))
    if len(values.get("q", "")) > MAX_Q:
        errors["q"] = str(_l("Zoek op hoogstens %(max)d tekens.", max=MAX_Q))
    page = _number(values, "page", 1, 1, None, _l("Geef een paginanummer vanaf 1."), errors)
    per_page = _number(values, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE,
                       _l("Kies 1 tot %(max)d taken per pagina.", max=MAX_PER_PAGE), errors)
    if "page" not in errors and "per_page" not in errors and (page - 1) * per_page >= MAX_OFFSET:
        errors["page"] = str(_l("Zo ver bladeren gaat niet: verfijn de filter of zoek gerichter."))
    if errors:
        return InboxQuery()
    return InboxQuery(process=values.get("process"), entity=values.get("entity"), due=values.get("due"),
                      assigned=values.get("assigned"), q=values.get("q"), sort=values.get("sort", "due_at"),
                      page=page, per_page=per_page)


def _number(values: dict[str, str], name: str, default: int, low: int, high: int | None, message,
            errors: dict[str, str]) -> int:
    if name not in values:
        return default
    text = values[name]
    number = int(text) if _PAGE_NUMBER.fullmatch(text) else None
    if number is None or number < low or (high is not None and number > high):
        errors[name] = str(message)
        return default
    return number


# -- the SQL -----------------------------------------------------------------------------------------------------

def _lookups(session: Session, query: InboxQuery) -> tuple[list[int] | None, int | None]:
    """The model version ids of the process and the entity's id; unknown codes are a bad parameter."""
    errors, version_ids, entity_id = {}, None, None
    if query.process is not None:
        version_ids = list(session.scalars(select(ProcessModelVersion.id).where(
            ProcessModelVersion.model_key == query.process)))
        if not version_ids:
            errors["process"] = str(_l("Onbekend proces."))
    if query.entity is not None:
        entity_id = session.scalar(select(Entity.id).where(Entity.code == query.entity))
        if entity_id is None:
            errors["entity"] = str(_l("Onbekende entiteit."))
    if errors:
        raise InvalidData(errors, str(_l("De filter van de takenlijst klopt niet.")))
    return version_ids, entity_id


def _common_conditions(session: Session, user: User, query: InboxQuery) -> list[ColumnElement[bool]]:
    """Every condition but the due date and the assignee, which the filter bar counts per choice."""
    version_ids, entity_id = _lookups(session, query)
    conditions = [Task.state == TaskState.READY, policy.tasks_findable_by(user)]
    if version_ids is not None:
        conditions.append(ProcessInstance.model_version_id.in_(version_ids))
    if entity_id is not None:
        conditions.append(Task.entity_id == entity_id)
    if query.q:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", query.q) + "%"
        conditions.append(or_(Task.title.ilike(pattern, escape="\\"),
                              ProcessInstance.subject.ilike(pattern, escape="\\")))
    return conditions


def _due_condition(due: str | None, at: datetime) -> ColumnElement[bool]:
    return {"late": Task.due_at < at, "soon": and_(Task.due_at >= at, Task.due_at < at + DUE_SOON),
            "none": Task.due_at.is_(None)}.get(due, true())


def _assigned_condition(user: User, assigned: str | None) -> ColumnElement[bool]:
    return {"me": Task.assignee_id == user.id, "unassigned": Task.assignee_id.is_(None),
            "any": true()}.get(assigned, or_(Task.assignee_id.is_(None), Task.assignee_id == user.id))


def _joined(statement: Select) -> Select:
    return statement.select_from(Task).join(ProcessInstance, ProcessInstance.id == Task.instance_id)


def _count_if(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _due_counts(session: Session, conditions: list, at: datetime) -> dict[str, int]:
    row = session.execute(_joined(select(
        *(_count_if(_due_condition(due, at)) for due in DUE), func.count(Task.id))).where(*conditions)).one()
    return dict(zip((*DUE, "all"), map(int, row), strict=True))


def _assigned_counts(session: Session, user: User, conditions: list) -> dict[str, int]:
    me, unassigned, anyone = session.execute(_joined(select(
        _count_if(Task.assignee_id == user.id), _count_if(Task.assignee_id.is_(None)), func.count(Task.id)))
        .where(*conditions)).one()
    return {"todo": int(me) + int(unassigned), "me": int(me), "unassigned": int(unassigned), "any": int(anyone)}


def _order(sort: str) -> list:
    descending, key = sort.startswith("-"), sort.lstrip("-")
    column = {"due_at": Task.due_at, "created_at": Task.created_at, "process": ProcessModel.name,
              "entity": Entity.name}[key]
    first = (column.desc() if descending else column.asc()).nulls_last()
    then = [] if key in ("due_at", "created_at") else [Task.due_at.asc().nulls_last()]
    return [first, *then, Task.id.desc() if descending else Task.id.asc()]  # ties: always the same order


def _page_statement(query: InboxQuery, conditions: list) -> Select:
    """The page's tasks with all a row shows (instance, process, entity, assignee) in one statement."""
    return (select(Task).join(Task.instance).join(ProcessInstance.model_version).join(ProcessModelVersion.model)
            .join(Task.entity).outerjoin(Task.assignee).where(*conditions)
            .options(contains_eager(Task.instance).contains_eager(ProcessInstance.model_version)
                     .contains_eager(ProcessModelVersion.model),
                     contains_eager(Task.entity),
                     contains_eager(Task.assignee).options(lazyload(User.entity), lazyload(User.role_rows),
                                                           lazyload(User.papsy_entities)))
            .order_by(*_order(query.sort)).limit(query.per_page).offset(query.offset))
