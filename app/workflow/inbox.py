"""The inbox: the tasks a person may act on (or finds in their scope), filtered, sorted and paged; one service for
the web page and the JSON API (the parameters: app/workflow/inbox_query.py).

Fast with many tasks: the filters, search and counts read the task table alone (it carries the instance's model
version and subject), each part of the user's scope (policy.task_scope_parts) from its own index; the web page's
counts per choice and the processes and entities it offers come from one grouped query; a page is its ids, sorted
from those indexes, then those rows with everything they show.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qsl

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, Subquery, and_, bindparam, case, false, func, or_, select, true, union_all
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app import model_texts
from app.auth import policy
from app.engine.errors import InvalidData
from app.models import Entity, ProcessModel, ProcessModelVersion, Task, TaskState, User
from app.ui import DUE_SOON  # "soon" means what the due badges say
from app.workflow import services
from app.workflow.inbox_query import InboxQuery

__all__ = ["Counts", "InboxPage", "InboxQuery", "InboxTask", "check_query_string", "filter_options", "inbox_page"]
Options = list[tuple[str, str]]  # (value, label) of a select


@dataclass(frozen=True)
class Counts:
    """How many tasks each choice of the filter bar gives, the other filters staying as they are."""

    due: dict[str, int] = field(default_factory=dict)  # late, soon, none, all
    assigned: dict[str, int] = field(default_factory=dict)  # todo, me, unassigned, any


@dataclass(slots=True)  # not frozen: fifty a page, and frozen costs six times as much to build
class InboxTask:
    """A task as the inbox lists it, read as plain columns: fifty ORM tasks with their instance, process, entity
    and holder cost more than the rest of the page. The policy decides on it as on a Task."""

    id: int
    instance_id: int
    title: str  # the step name, in Dutch (app/model_texts translates it)
    lane: str
    state: str
    entity_id: int
    entity_code: str
    entity_name: str
    version: ProcessModelVersion  # with its model
    subject: str | None
    assignee_id: int | None
    assignee_email: str | None
    assignee_name: str | None
    claimed_at: datetime | None
    open_to_lane_at: datetime | None
    due_at: datetime | None
    created_at: datetime

    @property
    def confidential(self) -> bool:
        return self.version.confidential


@dataclass(frozen=True)
class InboxPage:
    query: InboxQuery
    tasks: list[InboxTask]
    total: int
    counts: Counts | None = None
    processes: Options = field(default_factory=list)  # (key, name) of the processes of the user's tasks
    entities: Options = field(default_factory=list)  # (code, name) of their entities

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def inbox_page(session: Session, user: User, query: InboxQuery, *, with_counts: bool = False,
               versions: dict[int, ProcessModelVersion] | None = None) -> InboxPage:
    """One page of the user's inbox and its total; ``with_counts`` (the web page): the counts per choice and the
    processes and entities the filter bar offers."""
    version_ids, entity_id = _lookups(session, query)
    shape, values = _values(user, query, version_ids, entity_id)
    statements = _statements(shape, bool(query.q), version_ids is not None, entity_id is not None, query.due,
                             query.assigned, query.sort)
    counts, processes, entities = None, [], []
    if with_counts:
        cells = [_Cell(*row) for row in session.execute(statements.cells, values)]
        total, counts = _tally(cells, query, version_ids, entity_id)
        processes, entities = _options(session, cells, versions)
    else:
        total = session.scalar(statements.count, values)
    tasks = _page(session, statements.ids, values, versions) if total > query.offset else []
    return InboxPage(query, tasks, total, counts, processes, entities)


def filter_options(session: Session, user: User) -> tuple[Options, Options]:
    """The processes and entities of the tasks the user finds now (a process they have no part in is not named)."""
    query = InboxQuery()
    shape, values = _values(user, query, None, None)
    statements = _statements(shape, False, False, False, None, None, query.sort)
    return _options(session, [_Cell(*row) for row in session.execute(statements.cells, values)], None)


def check_query_string(session: Session, query_string: str) -> InboxQuery:
    """A stored query string parsed as the inbox parses its URL, with its process and entity looked up."""
    query = InboxQuery.from_args(MultiDict(parse_qsl(query_string, keep_blank_values=True)))
    _lookups(session, query)
    return query


# -- conditions ---------------------------------------------------------------------------------------------------

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


# -- the statements: built once per shape of scope and query, executed with the values of each request ------------

@dataclass(frozen=True)
class _Statements:
    cells: Select  # the web page's counts (_Cell)
    count: Select  # the total of the chosen filter
    ids: Select  # the page's ids in order


def _values(user: User, query: InboxQuery, version_ids: list[int] | None,
            entity_id: int | None) -> tuple[policy.ScopeShape, dict[str, object]]:
    shape, values = policy.task_scope(user)
    at = values["open_until"]
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", query.q) + "%" if query.q else None
    return shape, {**values, "at": at, "soon_from": at + DUE_SOON, "versions": version_ids, "entity": entity_id,
                   "pattern": pattern, "limit": query.per_page, "offset": query.offset,
                   "reach": query.offset + query.per_page}


@functools.lru_cache(maxsize=256)
def _statements(shape: policy.ScopeShape, search: bool, by_version: bool, by_entity: bool, due: str | None,
                assigned: str | None, sort: str) -> _Statements:
    """Building a statement costs about what executing it does; the few shapes a day's requests have are kept."""
    scope = _scope(shape, search)
    filters = [*_chosen(by_version, by_entity), _due_condition(due), _assigned_condition(assigned)]
    ids = _ordered(_page_union(scope, filters, sort), sort).limit(bindparam("limit")).offset(bindparam("offset"))
    return _Statements(_cells(scope), select(func.count()).select_from(_union((Task.id,), scope, filters)), ids)


Scope = list[list[ColumnElement[bool]]]  # conditions per part of the user's scope; no task is in two parts


def _scope(shape: policy.ScopeShape, search: bool) -> Scope:
    """The READY tasks the user finds; ``search``: with the text in their step name or their instance's subject (the
    task's copy of it: the rows the scope visits anyway, no instance looked up per task)."""
    common = [Task.state == TaskState.READY, policy.FINDABLE_IN_SCOPE]
    if search:
        pattern = bindparam("pattern")
        common.append(or_(Task.title.ilike(pattern, escape="\\"), Task.subject.ilike(pattern, escape="\\")))
    return [[part, *common] for part in policy.task_scope_parts(shape)] or [[false()]]


def _union(columns, scope: Scope, filters: list[ColumnElement[bool]]) -> Subquery:
    """``columns`` of the tasks in scope that pass ``filters``: a part each, put together."""
    parts = [select(*columns).where(*part, *filters) for part in scope]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("tasks")


def _page_union(scope: Scope, filters: list[ColumnElement[bool]], sort: str) -> Subquery:
    """The tasks a page is cut from. Sorted by a deadline or arrival, each part gives only its first ``reach`` (the
    page's end) in that order, walking an index (ix_task_inbox_due) rather than sorting its thousands; PostgreSQL
    merges them."""
    if sort.lstrip("-") not in ("due_at", "created_at") or len(scope) == 1:
        return _union(_SORT_COLUMNS, scope, filters)
    parts = [_ordered_columns(select(*_SORT_COLUMNS).where(*part, *filters).subquery("part"), sort)
             .limit(bindparam("reach")).subquery() for part in scope]
    return union_all(*(select(*part.c) for part in parts)).subquery("tasks")


def _chosen(by_version: bool, by_entity: bool) -> list[ColumnElement[bool]]:
    return ([Task.model_version_id.in_(bindparam("versions", expanding=True))] if by_version else []) + \
        ([Task.entity_id == bindparam("entity")] if by_entity else [])


def _due_condition(due: str | None) -> ColumnElement[bool]:
    if due == "late":
        return Task.due_at < bindparam("at")
    if due == "soon":
        return and_(Task.due_at >= bindparam("at"), Task.due_at < bindparam("soon_from"))
    return Task.due_at.is_(None) if due == "none" else true()


def _assigned_condition(assigned: str | None) -> ColumnElement[bool]:
    me = bindparam("me")
    if assigned == "me":
        return Task.assignee_id == me
    if assigned == "unassigned":
        return Task.assignee_id.is_(None)
    return true() if assigned == "any" else or_(Task.assignee_id.is_(None), Task.assignee_id == me)


# -- the counts of the filter bar: one grouped query ---------------------------------------------------------------

@dataclass(slots=True)
class _Cell:
    version_id: int
    entity_id: int
    entity_code: str
    entity_name: str
    due: str  # late, soon, later, none
    holder: str  # me, unassigned, colleague
    count: int


_DUE = case((Task.due_at.is_(None), "none"), (Task.due_at < bindparam("at"), "late"),
            (Task.due_at < bindparam("soon_from"), "soon"), else_="later")
_HOLDER = case((Task.assignee_id.is_(None), "unassigned"), (Task.assignee_id == bindparam("me"), "me"),
               else_="colleague")
_CELL_COLUMNS = (Task.model_version_id, Task.entity_id, _DUE.label("due"), _HOLDER.label("holder"))


def _cells(scope: Scope) -> Select:
    """The user's findable tasks counted per process version, entity (with its code and name, for the filter bar),
    due state and holder."""
    tasks = _union(_CELL_COLUMNS, scope, [])
    columns = (tasks.c.model_version_id, tasks.c.entity_id, Entity.code, Entity.name, tasks.c.due, tasks.c.holder)
    return select(*columns, func.count()).join(Entity, Entity.id == tasks.c.entity_id).group_by(*columns)


def _tally(cells: list[_Cell], query: InboxQuery, version_ids: list[int] | None,
           entity_id: int | None) -> tuple[int, Counts]:
    """The total of the chosen filter, and per choice of one filter the count with the other filters as chosen."""
    chosen = [cell for cell in cells if (version_ids is None or cell.version_id in version_ids)
              and (entity_id is None or cell.entity_id == entity_id)]
    holders = {"me": {"me"}, "unassigned": {"unassigned"}, "any": {"me", "unassigned", "colleague"},
               None: {"me", "unassigned"}}[query.assigned]
    by_due = Counter({"late": 0, "soon": 0, "none": 0})
    by_holder = Counter({"me": 0, "unassigned": 0, "colleague": 0})
    for cell in chosen:
        if cell.holder in holders:
            by_due[cell.due] += cell.count
        if query.due is None or cell.due == query.due:
            by_holder[cell.holder] += cell.count
    due = {"late": by_due["late"], "soon": by_due["soon"], "none": by_due["none"], "all": sum(by_due.values())}
    assigned = {"todo": by_holder["me"] + by_holder["unassigned"], "me": by_holder["me"],
                "unassigned": by_holder["unassigned"], "any": sum(by_holder.values())}
    return due[query.due or "all"], Counts(due, assigned)


def _options(session: Session, cells: list[_Cell], versions: dict | None) -> tuple[Options, Options]:
    """(key, name in the reader's language) of the processes, (code, name) of the entities, of these cells."""
    version_ids = {cell.version_id for cell in cells}
    by_age = sorted(services.versions_by_id(session, version_ids, versions).values(), key=lambda version: version.version)
    processes = {version.model_key: model_texts.process_name(version) for version in by_age}  # the newest names it
    return _by_label(processes.items()), _by_label({(cell.entity_code, cell.entity_name) for cell in cells})


def _by_label(options) -> Options:
    return sorted(((value, label) for value, label in options), key=lambda option: (option[1].lower(), option[0]))


# -- one page -----------------------------------------------------------------------------------------------------

_ROWS = (select(Task.id, Task.instance_id, Task.title, Task.lane, Task.state, Task.entity_id, Entity.code, Entity.name,
                Task.model_version_id, Task.subject, Task.assignee_id, User.email, User.name,
                Task.claimed_at, Task.open_to_lane_at, Task.due_at, Task.created_at)
         .join(Entity, Entity.id == Task.entity_id).outerjoin(User, User.id == Task.assignee_id)
         .where(Task.id.in_(bindparam("ids", expanding=True))))  # as InboxTask's fields, the version in its place


_SORT_COLUMNS = (Task.id, Task.due_at, Task.created_at, Task.model_version_id, Task.entity_id)


def _page(session: Session, ids_statement: Select, values: dict, versions: dict | None) -> list[InboxTask]:
    """The page's tasks, in two statements: their ids in order, from the task table (and the small process and
    entity tables when sorted by those), then the columns their rows show (the task carries its instance's
    subject)."""
    ids = list(session.scalars(ids_statement, values))
    if not ids:
        return []
    rows = session.execute(_ROWS, {"ids": ids}).all()
    versions = services.versions_by_id(session, {row.model_version_id for row in rows}, versions)
    by_id = {row.id: InboxTask(*row[:8], versions[row.model_version_id], *row[9:]) for row in rows}
    return [by_id[task_id] for task_id in ids]


def _ordered(tasks: Subquery, sort: str) -> Select:
    """The ids of ``tasks`` sorted as asked, ties always in the same order (by id); no deadline comes last either
    way."""
    return _ordered_columns(tasks, sort, (tasks.c.id,))


def _ordered_columns(tasks: Subquery, sort: str, columns=None) -> Select:
    """``columns`` (default: all) of ``tasks`` in the order ``_ordered`` gives."""
    statement, descending, key = select(*(columns or tasks.c)), sort.startswith("-"), sort.lstrip("-")
    if key == "process":
        statement = statement.join(ProcessModelVersion, ProcessModelVersion.id == tasks.c.model_version_id) \
            .join(ProcessModel, ProcessModel.key == ProcessModelVersion.model_key)
    elif key == "entity":
        statement = statement.join(Entity, Entity.id == tasks.c.entity_id)
    column = {"due_at": tasks.c.due_at, "created_at": tasks.c.created_at, "process": ProcessModel.name,
              "entity": Entity.name}[key]
    first = (column.desc() if descending else column.asc()).nulls_last()
    then = [] if key in ("due_at", "created_at") else [tasks.c.due_at.asc().nulls_last()]
    return statement.order_by(first, *then, tasks.c.id.desc() if descending else tasks.c.id.asc())
