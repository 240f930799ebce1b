"""What a report request asks for (year, quarter, entity), read and checked: a clear refusal, never a guess.

Only fixed periods: a published year with data and, optionally, one of its quarters. No date range parameter exists."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.engine.errors import EngineError, NotAllowed, NotFound
from app.models import Entity, User
from app.reports import counts, services
from app.reports.periods import is_published
from app.reports.services import ReportUnavailable, YearResult

ENTITY_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class BadRequest(EngineError):
    """A year, quarter or entity that cannot be read: 400 with the reason."""

    status = 400


@dataclass(frozen=True)
class Selection:
    year: int
    quarter: int | None
    entity: Entity | None  # None: the network
    result: YearResult
    years: list[int]
    entities: list[Entity]  # the entities the user may choose
    network: bool  # may the user choose the network
    versions: dict  # the data version of each year (counts.year_versions)

    @property
    def period(self):
        return services.YEAR if self.quarter is None else self.quarter

    @property
    def own_column(self) -> bool:
        """False when the entity has too few dossiers this year for a report of its own."""
        return self.entity is None or self.entity.code in self.result.columns


def entities_for(session: Session, user: User) -> list[Entity]:
    ids = policy.report_entity_ids(user)
    if not ids:
        return []
    return list(session.scalars(select(Entity).where(Entity.id.in_(ids)).order_by(Entity.name)))


def choose(session: Session, user: User, args, today: date, k: int, require_year: bool = False) -> Selection:
    """The report ``args`` (year, quarter, entity) asks for, within what ``user`` may see."""
    if not policy.can_view_reports(user):
        raise NotAllowed(str(_l("U kunt geen rapporten inzien.")))
    versions = counts.year_versions(session)  # once per request: the years, the cache's validity, the trend
    years = services.available_years(today, versions)
    entities = entities_for(session, user)
    network = policy.can_view_network_report(user)
    entity = _entity(user, entities, network, args.get("entity"))
    year = _year(args.get("year"), years, require_year, today)
    try:
        result = services.year_result(session, year, k, today, versions)
    except ReportUnavailable:
        raise NotFound(str(_l("Voor %(year)s zijn er nog geen gegevens.", year=year))) from None
    quarter = _quarter(args.get("quarter"), result)
    return Selection(year, quarter, entity, result, years, entities, network, versions)


def _year(raw: str | None, years: list[int], required: bool, today: date) -> int:
    if raw in (None, ""):
        if required or not years:
            raise (BadRequest if years else NotFound)(str(
                _l("Geef een jaar op, bijvoorbeeld %(year)s.", year=years[0]) if years
                else _l("Er is nog geen rapport. Het rapport van een jaar verschijnt op 1 februari van het jaar "
                        "erna.")))
        return years[0]
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise BadRequest(str(_l("Het jaar moet een jaartal zijn, zoals %(year)s.", year=years[0] if years else 2026)))
    if not is_published(int(text), today):
        raise NotFound(str(_l("Het rapport van %(year)s verschijnt op 1 februari %(next)s.", year=int(text),
                              next=int(text) + 1)))
    if int(text) not in years:
        raise NotFound(str(_l("Voor %(year)s zijn er geen gegevens.", year=int(text))))
    return int(text)


def _quarter(raw: str | None, result: YearResult) -> int | None:
    if raw in (None, ""):
        return None
    text = raw.strip()
    if text not in ("1", "2", "3", "4"):
        raise BadRequest(str(_l("Het kwartaal moet 1, 2, 3 of 4 zijn.")))
    if not services.quarter_tables_shown(result) or int(text) not in result.quarters:
        raise NotFound(str(_l("Dit kwartaal is nog niet voorbij: kies een eerder kwartaal of heel het jaar.")))
    return int(text)


def _entity(user: User, entities: list[Entity], network: bool, raw: str | None) -> Entity | None:
    if raw in (None, ""):
        if network:
            return None
        return entities[0]
    code = raw.strip()
    if not ENTITY_CODE.fullmatch(code):
        raise BadRequest(str(_l("Dit is geen code van een entiteit (letters en cijfers, zoals %(code)s).",
                                code=entities[0].code if entities else "OMG")))
    for entity in entities:
        if entity.code == code and policy.can_view_entity_report(user, entity.id):
            return entity
    raise NotAllowed(str(_l("U kunt het rapport van deze entiteit niet inzien. Kies een entiteit uit de lijst.")))
