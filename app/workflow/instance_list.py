"""The instance list ("Processen"): filters, search on the subject, paging; the web page and the API call this.

What a user may list is the policy's (``instances_visible_to``); an admin's confidential rows show only their
model and status, so search and the filters on subject, entity and start never look at them.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, bindparam, false, func, or_, select, union_all
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import policy
from app.auth.accounts import entity_by_code
from app.engine import runner
from app.engine.errors import InvalidData
from app.forms.validation import is_clean_text
from app.models import Entity, InstanceStatus, InstanceTally, ProcessInstance, ProcessModel, ProcessModelVersion, User
from app.ui import status_label
from app.workflow import services

PER_PAGE = 50
MAX_PER_PAGE = 200  # the API's limit
MAX_PAGE = 1_000_000
MAX_QUERY = 200  # as long as a subject
FILTER_NAMES = ("model", "version", "status", "entity", "started_from", "started_to", "incident", "q")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"\d{1,7}")


@dataclass(frozen=True)
class InstanceFilters:
    """What the list is narrowed to; None is "any". The dates are days in the display time zone, both included."""

    model: str | None = None
    version: int | None = None  # of the model: only with a model
    status: InstanceStatus | None = None
    entity: Entity | None = None
    started_from: date | None = None
    started_to: date | None = None
    incident: bool = False  # only those with an incident (a failed timer), whatever their status
    q: str | None = None
    page: int = 1
    per_page: int = PER_PAGE
    zone: str | None = None  # the time zone of the days; None: the app's (display_zone)

    @property
    def narrowed(self) -> bool:
        return any((self.model, self.version, self.status, self.entity, self.started_from, self.started_to,
                    self.incident, self.q))


@dataclass(slots=True)  # not frozen: fifty a page, and frozen costs six times as much to build
class InstanceRow:
    """An instance as the list shows it, read as plain columns: fifty ORM instances with their version, model and
    entity cost more than the rest of the page. The policy decides on it as on a ProcessInstance."""

    id: int
    status: InstanceStatus
    model_version: ProcessModelVersion  # with its model
    entity_id: int
    entity_code: str
    entity_name: str
    subject: str | None
    started_by_id: int | None
    started_at: datetime
    completed_at: datetime | None
    incident: str | None


@dataclass
class InstancePage:
    """One page of the list: its rows, which of them show only their status, the total and the counts per status
    (of the rows matching every filter but the status)."""

    filters: InstanceFilters
    rows: list[InstanceRow]
    status_only: set[int]
    total: int
    per_status: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.filters.per_page))


def parse_filters(session: Session, args: Mapping[str, str], *, api: bool = False,
                  zone: str | None = None) -> InstanceFilters:
    """The filters in ``args`` (a query string); every bad one is named in InvalidData, none ignored.
    ``per_page`` is the API's (at most 200); the web page shows 50. ``zone``: of the days, by default the app's."""
    errors: dict[str, str] = {}
    values = {name: _text(args.get(name), name, errors) for name in (*FILTER_NAMES, "page", "per_page")}
    model = _model(session, values["model"], errors)
    filters = InstanceFilters(
        model=model, version=_version(session, model, values["version"], errors),
        status=_status(values["status"], errors), incident=_yes(values["incident"], errors),
        zone=zone,
        entity=_entity(session, values["entity"], errors),
        started_from=_day(values["started_from"], "started_from", errors),
        started_to=_day(values["started_to"], "started_to", errors), q=_query(values["q"], errors),
        page=_number(values["page"], MAX_PAGE, 1, errors, "page", _l("Kies een pagina van 1 tot %(high)d.", high=MAX_PAGE)),
        per_page=_number(values["per_page"], MAX_PER_PAGE, PER_PAGE, errors, "per_page",
                         _l("Kies van 1 tot %(high)d processen per pagina.", high=MAX_PER_PAGE)) if api else PER_PAGE)
    if filters.started_from and filters.started_to and filters.started_to < filters.started_from:
        errors.setdefault("started_to", _l("De einddatum ligt voor de begindatum."))
    if errors:
        raise InvalidData(errors)
    return filters


def list_instances(session: Session, user: User, args: Mapping[str, str], *, api: bool = False,
                   versions: dict[int, ProcessModelVersion] | None = None) -> InstancePage:
    """The page of instances ``user`` may list that ``args`` asks for, newest first (bad filters: InvalidData).
    ``versions``: process versions by id the caller read already."""
    filters = parse_filters(session, args, api=api)
    visible, narrowing = policy.visible_instance_parts(user), conditions(user, filters)
    per_status = _count_per_status(session, user, filters, visible, narrowing)
    total = per_status.get(filters.status, 0) if filters.status else sum(per_status.values())
    if filters.status:
        narrowing.append(ProcessInstance.status == filters.status)
    rows = _page_rows(session, [or_(*visible), *narrowing], filters, versions)
    return InstancePage(filters, rows, status_only(session, user, rows), total, per_status)


def status_only(session: Session, user: User, rows: list[InstanceRow]) -> set[int]:
    """The ids among ``rows`` of which ``user`` may see only that they exist (confidential, not taking part)."""
    unless_taking_part = [row.id for row in rows if row.model_version.confidential
                          and policy.instance_access(user, row, False) is policy.InstanceAccess.STATUS]
    if not unless_taking_part:  # only an admin sees a row by its status alone: the participation is asked of theirs
        return set()
    taking_part = set(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.id.in_(unless_taking_part), policy.participates_in(user))))
    return set(unless_taking_part) - taking_part


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar offers, as (value, label): the models, the statuses (with their counts on this page's
    other filters, when known) and the entities."""

    models: list[tuple[str, str]]
    statuses: list[tuple[str, str]]
    entities: list[tuple[str, str]]


def filter_choices(session: Session, user: User, current: list[ProcessModelVersion],
                   page: InstancePage | None = None) -> FilterChoices:
    """``current``: the current version of each process (views.current_versions), by name."""
    entities = session.execute(select(Entity.code, Entity.name).order_by(Entity.name))
    statuses = [(status.value, status_label("instance", status).capitalize()
                 + (f" ({page.per_status.get(status.value, 0)})" if page else "")) for status in InstanceStatus]
    known = [(version.model_key, model_texts.process_name(version)) for version in current
             if policy.may_know_of_process(user, version, runner.lanes(version))]
    return FilterChoices(sorted(known, key=lambda choice: choice[1].casefold()), statuses,
                         [(code, name) for code, name in entities])


def conditions(user: User, filters: InstanceFilters) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the list but for what ``user`` may see (policy.visible_instance_parts) and the status
    (counted per status first)."""
    conditions = []
    if filters.version:  # an admin knows the version of a confidential row too: he moves them (bulk migration)
        conditions.append(ProcessInstance.model_version_id == select(ProcessModelVersion.id).where(
            ProcessModelVersion.model_key == filters.model, ProcessModelVersion.version == filters.version)
            .scalar_subquery())
    elif filters.model:
        conditions.append(ProcessInstance.model_version_id.in_(
            select(ProcessModelVersion.id).where(ProcessModelVersion.model_key == filters.model)))
    if filters.incident:
        conditions.append(ProcessInstance.incident.is_not(None))
    if filters.entity or filters.started_from or filters.started_to or filters.q:
        conditions.append(policy.instance_details_visible_to(user))
    if filters.entity:
        conditions.append(ProcessInstance.entity_id == filters.entity.id)
    if filters.started_from:
        conditions.append(ProcessInstance.started_at >= _start_of(filters.started_from, filters.zone))
    if filters.started_to:
        conditions.append(ProcessInstance.started_at < _start_of(filters.started_to + timedelta(days=1), filters.zone))
    if filters.q:
        conditions.append(ProcessInstance.subject.ilike(f"%{_escape_like(filters.q)}%", escape="\\"))
    return conditions


def _count_per_status(session: Session, user: User, filters: InstanceFilters, visible: list[ColumnElement[bool]],
                      conditions: list[ColumnElement[bool]]) -> dict[str, int]:
    """Counted apart in each part of what ``user`` may see (they do not overlap), in one statement. Unless the
    dates or a search narrow the list, an entity's ordinary instances are counted from the tally."""
    if filters.started_from or filters.started_to or filters.q or filters.incident:  # not in the tally
        counts = [_row_counts(part, conditions) for part in visible]
    else:
        entities, others = policy.counted_instance_parts(user)
        counts = [_tally_counts(entities, filters), *(_row_counts(part, conditions) for part in others)]
    per_status: Counter[str] = Counter()
    for status, count in session.execute(union_all(*counts)):
        per_status[str(status)] += count
    return dict(+per_status)


def _row_counts(part: ColumnElement[bool], conditions: list[ColumnElement[bool]]):
    return select(ProcessInstance.status, func.count()).where(part, *conditions).group_by(ProcessInstance.status)


def _tally_counts(entities: set[int] | None, filters: InstanceFilters):
    """The ordinary instances per status of ``entities`` (None: all) that the model and entity filters keep."""
    conditions = [InstanceTally.model_version_id.not_in(policy.confidential_versions())]
    if entities is not None:
        conditions.append(InstanceTally.entity_id.in_(entities) if entities else false())
    if filters.model:
        versions = select(ProcessModelVersion.id).where(ProcessModelVersion.model_key == filters.model)
        if filters.version:
            versions = versions.where(ProcessModelVersion.version == filters.version)
        conditions.append(InstanceTally.model_version_id.in_(versions))
    if filters.entity:
        conditions.append(InstanceTally.entity_id == filters.entity.id)
    return select(InstanceTally.status, func.sum(InstanceTally.count)).where(*conditions) \
        .group_by(InstanceTally.status)


_ROWS = (select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.model_version_id, ProcessInstance.entity_id,
                Entity.code, Entity.name, ProcessInstance.subject, ProcessInstance.started_by_id,
                ProcessInstance.started_at, ProcessInstance.completed_at, ProcessInstance.incident)
         .join(Entity, Entity.id == ProcessInstance.entity_id)
         .where(ProcessInstance.id.in_(bindparam("ids", expanding=True))))  # as InstanceRow's fields


def _page_rows(session: Session, conditions: list[ColumnElement[bool]], filters: InstanceFilters,
               versions: dict[int, ProcessModelVersion] | None) -> list[InstanceRow]:
    """The page's rows, newest first (ties by id): the ids first, walking the index on the start, then the rows."""
    ids = list(session.scalars(
        select(ProcessInstance.id).where(*conditions)
        .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
        .offset((filters.page - 1) * filters.per_page).limit(filters.per_page)))
    if not ids:
        return []
    rows = session.execute(_ROWS, {"ids": ids}).all()
    versions = services.versions_by_id(session, {row.model_version_id for row in rows}, versions)
    by_id = {row.id: InstanceRow(row.id, InstanceStatus(row.status), versions[row.model_version_id], *row[3:])
             for row in rows}
    return [by_id[row_id] for row_id in ids]


def display_zone() -> str:
    """The time zone the days of the filters are in (the app's display zone)."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _start_of(day: date, zone: str | None) -> datetime:
    """Midnight at the start of ``day`` in ``zone`` (None: display_zone()), as the database keeps it (UTC)."""
    return datetime.combine(day, time(), ZoneInfo(zone or display_zone())).astimezone(ZoneInfo("UTC"))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text(value: str | None, name: str, errors: dict) -> str | None:
    """A parameter's text, None when empty; control characters (a NUL no database column takes) are refused."""
    value = (value or "").strip()
    if not is_clean_text(value):
        errors[name] = _l("Deze waarde bevat een teken dat niet kan.")
        return None
    return value or None


def _model(session: Session, key: str | None, errors: dict) -> str | None:
    if key is not None and session.get(ProcessModel, key) is None:
        errors["model"] = _l("Onbekend proces.")
        return None
    return key


def _version(session: Session, model: str | None, value: str | None, errors: dict) -> int | None:
    if value is None:
        return None
    if model is None:
        errors["version"] = _l("Kies eerst een proces.")
        return None
    number = int(value) if _NUMBER.fullmatch(value) else None
    if number is None or session.scalar(select(ProcessModelVersion.id).where(
            ProcessModelVersion.model_key == model, ProcessModelVersion.version == number)) is None:
        errors["version"] = _l("Dit proces heeft die versie niet.")
        return None
    return number


def _yes(value: str | None, errors: dict) -> bool:
    """A checkbox's "1" (the web page) or the API's "true"; empty is no."""
    if value is None:
        return False
    if value not in ("1", "true", "yes", "on"):
        errors["incident"] = _l("Kies 1 (alleen met een incident) of laat leeg.")
        return False
    return True


def _status(value: str | None, errors: dict) -> InstanceStatus | None:
    if value is not None and value not in InstanceStatus._value2member_map_:
        errors["status"] = _l("Onbekende status.")
        return None
    return InstanceStatus(value) if value else None


def _entity(session: Session, code: str | None, errors: dict) -> Entity | None:
    entity = entity_by_code(session, code) if code else None
    if code and entity is None:
        errors["entity"] = _l("Onbekende entiteit.")
    return entity


def _day(value: str | None, name: str, errors: dict) -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value) if _DATE.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:
        errors[name] = _l("Geef een geldige datum als JJJJ-MM-DD.")
        return None
    return day


def _query(value: str | None, errors: dict) -> str | None:
    if value is not None and len(value) > MAX_QUERY:
        errors["q"] = _l("Zoek met hoogstens %(max)d tekens.", max=MAX_QUERY)
        return None
    return value


def _number(value: str | None, high: int, default: int, errors: dict, name: str, message) -> int:
    """A whole number from 1 to ``high``."""
    if value is None:
        return default
    if not _NUMBER.fullmatch(value) or not 1 <= int(value) <= high:
        errors[name] = message
        return default
    return int(value)
