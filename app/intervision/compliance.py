"""Compliance per entity and year (R11, R12, R13, for the evaluation of R18): per confidant the basic training,
the intervision half days attended of the two required and where, the additional training days against the
recommendation of one day; and the entity's summary. Also a confidant's own status for their home page.

Three queries for a whole entity, whatever its number of confidants: the roster of the year (with the year's
closing result), the half days attended (``counting.half_days_by_confidant``), and the year's participations of
those confidants (where they attended, the IDEWE certificates, the trainings).

Who is on the roster of a year: the entity's confidants appointed before the year's end who are active or
temporarily inactive now, and former ones whose role is known to have ended in that year or later (the end of
the role after a missed basic training is the one end date the roster keeps). A former confidant without such a
date is left out: when they left is not known, so they would be counted short for years they did not serve.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import EngineError, NotAllowed
from app.intervision import counting, events
from app.models import (
    Attendance, CertificateStatus, Confidant, ConfidantStatus, Entity, EventKind, EventParticipant, IntervisionGroup,
    IntervisionYearResult, NetworkEvent, User,
)
from app.models.intervision import INTERVISION_KINDS, REQUIRED_HALF_DAYS, TAKING_PART

RECOMMENDED_TRAINING_DAYS = Decimal(1)  # R13: at least one day of additional training a year, recommended only
FIRST_YEAR = 2000
ENTITY_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class BadRequest(EngineError):
    """A year or entity that cannot be read: 400 with the reason."""

    status = 400


class Source(enum.StrEnum):
    """Where a half day of intervision was attended."""

    OWN_GROUP = "own_group"
    OPEN_GDPB = "open_gdpb"
    IDEWE = "idewe"


SOURCE_OF_KIND = {EventKind.GROUP_SESSION: Source.OWN_GROUP, EventKind.OPEN_GDPB: Source.OPEN_GDPB,
                  EventKind.OPEN_IDEWE: Source.IDEWE}


@dataclass(frozen=True)
class Attended:
    """One intervision session of the year for a confidant: where, when, its half days, whether it counts and, for
    IDEWE, the certificate's status (``awaited`` while none was uploaded after the session)."""

    source: str
    on: datetime
    half_days: int
    counted: bool
    certificate: str | None = None
    group: str | None = None


@dataclass
class ConfidantCompliance:
    confidant_id: int
    name: str
    email: str
    entity_code: str
    training: str  # R11: certified, due, overdue, role_ended, unknown
    training_on: date | None
    half_days: int = 0
    sessions: list[Attended] = field(default_factory=list)
    training_days: Decimal = Decimal(0)
    closed_half_days: int | None = None  # the year's result once the year was closed
    closed_short: bool | None = None

    required_half_days = REQUIRED_HALF_DAYS
    recommended_training_days = RECOMMENDED_TRAINING_DAYS

    @property
    def compliant(self) -> bool:
        """R12: two half days attended (the training recommendation of R13 plays no part)."""
        return self.half_days >= REQUIRED_HALF_DAYS

    @property
    def recommendation_met(self) -> bool:
        return self.training_days >= RECOMMENDED_TRAINING_DAYS

    @property
    def waiting_certificates(self) -> list[Attended]:
        return [s for s in self.sessions if s.certificate in (CertificateStatus.PENDING, CertificateStatus.AWAITED)]


@dataclass(frozen=True)
class Summary:
    confidants: int
    compliant: int
    certified: int
    overdue: int
    recommendation_met: int
    average_training_days: Decimal


@dataclass
class EntityCompliance:
    entity: Entity
    year: int
    rows: list[ConfidantCompliance]
    summary: Summary


@dataclass(frozen=True)
class OwnStatus:
    """A confidant's own year at a glance (the home page)."""

    year: int
    half_days: int
    training_days: Decimal
    confidant_id: int
    required_half_days: int = REQUIRED_HALF_DAYS
    recommended_training_days: Decimal = RECOMMENDED_TRAINING_DAYS

    @property
    def compliant(self) -> bool:
        return self.half_days >= self.required_half_days

    @property
    def recommendation_met(self) -> bool:
        return self.training_days >= self.recommended_training_days


def this_year() -> int:
    return events.year_of(now())


def parse_year(raw: str | None, default: int | None = None) -> int:
    """The year asked for; ``default`` when none was given (the API gives none: the year is required)."""
    if raw in (None, "") and default is not None:
        return default
    if raw in (None, ""):
        raise BadRequest(str(_l("Geef een jaar op, bijvoorbeeld %(year)s.", year=this_year())))
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise BadRequest(str(_l("Het jaar moet een jaartal zijn, zoals %(year)s.", year=this_year())))
    year = int(text)
    if not FIRST_YEAR <= year <= this_year() + 1:
        raise BadRequest(str(_l("Kies een jaar tussen %(first)s en %(last)s.", first=FIRST_YEAR,
                                last=this_year() + 1)))
    return year


def entities_in_scope(session: Session, user: User) -> list[Entity]:
    """The entities whose compliance ``user`` may see, by name (none: the page is not theirs)."""
    ids = policy.compliance_entity_ids(user)
    if not ids:
        return []
    return list(session.scalars(select(Entity).where(Entity.id.in_(ids)).order_by(Entity.name)))


def choose_entity(user: User, scope: list[Entity], code: str | None, required: bool = False) -> Entity:
    """The entity asked for among ``scope``; without a code the first of the scope (unless ``required``)."""
    if not scope:
        raise NotAllowed(str(_l("U kunt de opvolging van intervisie en opleiding van geen enkele entiteit inzien.")))
    if code in (None, ""):
        if required:
            raise BadRequest(str(_l("Geef de entiteit op (haar code, bijvoorbeeld %(code)s).", code=scope[0].code)))
        return scope[0]
    code = code.strip()
    if not ENTITY_CODE.fullmatch(code):
        raise BadRequest(str(_l("Dit is geen code van een entiteit (letters en cijfers, zoals %(code)s).",
                                code=scope[0].code)))
    for entity in scope:
        if entity.code == code:
            return entity
    raise NotAllowed(str(_l("U kunt de opvolging van deze entiteit niet inzien. Kies een entiteit uit de lijst.")))


def entity_compliance(session: Session, entity: Entity, year: int, today: date) -> EntityCompliance:
    """Every confidant of the year's roster with their training, intervision and training days (3 queries)."""
    rows = _roster(session, entity, year, today)
    by_id = {row.confidant_id: row for row in rows}
    if by_id:
        for confidant_id, half_days in counting.half_days_by_confidant(session, year, by_id).items():
            by_id[confidant_id].half_days = half_days
        _add_participations(session, year, by_id)
    return EntityCompliance(entity, year, rows, _summary(rows))


def own_status(session: Session, user: User) -> OwnStatus | None:
    """The user's own intervision and training this year, when they are an active confidant (2 queries)."""
    confidant = policy.own_confidant(session, user)
    if confidant is None:
        return None
    year = this_year()
    training = and_(NetworkEvent.kind == EventKind.TRAINING, EventParticipant.attendance == Attendance.PRESENT,
                    EventParticipant.status.in_(TAKING_PART))
    half_days, training_days = session.execute(
        select(func.coalesce(func.sum(case((counting.attended_condition(), NetworkEvent.half_days), else_=0)), 0),
               func.coalesce(func.sum(case((training, NetworkEvent.duration_days), else_=0)), 0))
        .select_from(EventParticipant).join(NetworkEvent, NetworkEvent.id == EventParticipant.event_id)
        .where(EventParticipant.confidant_id == confidant.id, NetworkEvent.year == year,
               NetworkEvent.cancelled_at.is_(None))).one()
    return OwnStatus(year, int(half_days or 0), Decimal(str(training_days or 0)), confidant.id)


def _roster(session: Session, entity: Entity, year: int, today: date) -> list[ConfidantCompliance]:
    year_end = date(year, 12, 31)
    on_roster = or_(Confidant.status != ConfidantStatus.FORMER,
                    and_(Confidant.training_role_ended_on.is_not(None),
                         Confidant.training_role_ended_on >= date(year, 1, 1)))
    query = (select(Confidant, IntervisionYearResult.half_days_attended, IntervisionYearResult.short)
             .outerjoin(IntervisionYearResult, and_(IntervisionYearResult.confidant_id == Confidant.id,
                                                    IntervisionYearResult.year == year))
             .where(Confidant.entity_id == entity.id, Confidant.appointed_on <= year_end, on_roster)
             .order_by(Confidant.name, Confidant.id))
    rows = []
    for confidant, closed_half_days, closed_short in session.execute(query):
        training, on = confidant.training_status(today)
        rows.append(ConfidantCompliance(confidant.id, confidant.name, confidant.email, entity.code, training, on,
                                        closed_half_days=closed_half_days, closed_short=closed_short))
    return rows


def _add_participations(session: Session, year: int, by_id: dict[int, ConfidantCompliance]) -> None:
    """Where each confidant attended intervision this year, their IDEWE certificates, their training days."""
    query = (select(EventParticipant.confidant_id, EventParticipant.attendance, EventParticipant.certificate_status,
                    NetworkEvent.kind, NetworkEvent.starts_at, NetworkEvent.ends_at, NetworkEvent.half_days,
                    NetworkEvent.duration_days, IntervisionGroup.name.label("group"))
             .join(NetworkEvent, NetworkEvent.id == EventParticipant.event_id)
             .outerjoin(IntervisionGroup, IntervisionGroup.id == NetworkEvent.group_id)
             .where(EventParticipant.confidant_id.in_(list(by_id)), NetworkEvent.year == year,
                    NetworkEvent.cancelled_at.is_(None), EventParticipant.status.in_(TAKING_PART),
                    NetworkEvent.kind.in_((*INTERVISION_KINDS, EventKind.TRAINING)))
             .order_by(NetworkEvent.starts_at, NetworkEvent.id))
    moment = now()
    for row in session.execute(query):
        target = by_id[row.confidant_id]
        if row.kind == EventKind.TRAINING:
            if row.attendance == Attendance.PRESENT:
                target.training_days += Decimal(str(row.duration_days or 0))
        elif row.kind == EventKind.OPEN_IDEWE:
            certificate = row.certificate_status or (CertificateStatus.AWAITED if row.ends_at <= moment else None)
            if certificate is not None:  # an IDEWE session still to come is no source yet
                target.sessions.append(Attended(Source.IDEWE, row.starts_at, row.half_days,
                                                certificate == CertificateStatus.APPROVED, str(certificate)))
        elif row.attendance == Attendance.PRESENT:
            target.sessions.append(Attended(SOURCE_OF_KIND[row.kind], row.starts_at, row.half_days, True,
                                            group=row.group))


def _summary(rows: list[ConfidantCompliance]) -> Summary:
    total = sum((row.training_days for row in rows), Decimal(0))
    average = (total / len(rows)).quantize(Decimal("0.1")) if rows else Decimal(0)
    return Summary(confidants=len(rows), compliant=sum(row.compliant for row in rows),
                   certified=sum(row.training == "certified" for row in rows),
                   overdue=sum(row.training == "overdue" for row in rows),
                   recommendation_met=sum(row.recommendation_met for row in rows), average_training_days=average)
