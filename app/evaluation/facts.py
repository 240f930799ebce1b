"""The measurable facts of an entity's year (R18), as the evaluation keeps them (Evaluation.facts, JSON).

Per confidant of the entity active during the year: the appointment, the basic training within two years (R11), the
intervision attended (R12) and the contacts with the PAPSY (delicate-case consultations, the R8 sharing, the R21
contacts). For the entity: the dossiers registered, suppressed like the reports (R7). No count of dossiers per
confidant is kept: that would point at a person and at their workload; only the PAPSY's signal of three years
without a dossier is (``quiet``).
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import now
from app.dossiers.services import today
from app.reports import services as reports
from app.reports.suppression import Cell
from app.evaluation import sources
from app.intervision import year as intervision_year
from app.intervision.counting import half_days_by_confidant
from app.mail.outbox import current_settings
from app.models import Confidant, ConfidantStatus, Entity, IntervisionYearResult
from app.models.dossiers import Consultation, Dossier

BRUSSELS = ZoneInfo("Europe/Brussels")
from app.training.services import training_deadline

QUIET_YEARS = 3  # R18: no registered dossier three years in a row calls for a conversation
IN_TIME, LATE, NOT_YET_DUE, EXTENDED, NOT_OBTAINED = "in_time", "late", "not_yet_due", "extended", "not_obtained"


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def confidants_of_year(session: Session, entity_id: int, year: int) -> list[Confidant]:
    """The entity's confidants appointed during some part of ``year`` (the list of confidants is public)."""
    first, last = year_bounds(year)
    return list(session.scalars(select(Confidant).where(
        Confidant.entity_id == entity_id, Confidant.appointed_on <= last,
        (Confidant.ended_on.is_(None)) | (Confidant.ended_on >= first)).order_by(Confidant.name, Confidant.id)))


def training_state(confidant: Confidant, year: int) -> tuple[str, str | None]:
    """R11 as it stood at the end of ``year`` (or today, in the year itself): the state and the certificate's date."""
    seen_on = min(year_bounds(year)[1], today())
    two_years = training_deadline(confidant.appointed_on)
    certified = confidant.training_certified_on
    if certified is not None and certified > seen_on:
        certified = None
    if certified is not None:
        return (IN_TIME if certified <= two_years else LATE), certified.isoformat()
    if seen_on <= two_years:
        return NOT_YET_DUE, None
    if confidant.training_due_on is not None and confidant.training_due_on > two_years \
            and confidant.training_role_ended_on is None:
        return EXTENDED, confidant.training_due_on.isoformat()
    return NOT_OBTAINED, None


def intervision_half_days(session: Session, confidants: list[Confidant], year: int) -> dict[int, int]:
    """confidant id -> half days attended in ``year``: the closed year's result, else what is recorded so far;
    a confidant with neither (no intervision year here) is left out: "not recorded"."""
    ids = [confidant.id for confidant in confidants]
    closed = dict(session.execute(select(IntervisionYearResult.confidant_id, IntervisionYearResult.half_days_attended)
                                  .where(IntervisionYearResult.year == year,
                                         IntervisionYearResult.confidant_id.in_(ids))).all())
    counted = half_days_by_confidant(session, year, ids)
    started = {confidant_id for confidant_id, started_year in intervision_year.years_started(session, year)
               if started_year == year}
    return {confidant_id: closed.get(confidant_id, counted.get(confidant_id, 0)) for confidant_id in ids
            if confidant_id in closed or confidant_id in counted or confidant_id in started}


def consultations_by_user(session: Session, entity_id: int, year: int) -> dict[int, int]:
    """user id of the dossier's confidant -> delicate-case consultations recorded in ``year`` (a count only)."""
    first, last = year_bounds(year)
    rows = session.execute(
        select(Dossier.confidant_id, func.count(Consultation.id)).join(Dossier, Dossier.id == Consultation.dossier_id)
        .where(Dossier.entity_id == entity_id, Consultation.recorded_at >= _midnight(first),
               Consultation.recorded_at < _midnight(date(year + 1, 1, 1)))
        .group_by(Dossier.confidant_id))
    return {user_id: int(count) for user_id, count in rows}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(current_settings().display_timezone))


def dossiers_registered(session: Session, entity_id: int, year: int) -> int:
    first, last = year_bounds(year)
    return session.scalar(select(func.count(Dossier.id)).where(
        Dossier.entity_id == entity_id, Dossier.opened_on >= first, Dossier.opened_on <= last)) or 0


def registered_as_reported(session: Session, entity: Entity, year: int) -> dict[str, int | bool | None]:
    """The entity's dossiers of ``year`` exactly as the reports show them (R7): the evaluation must not publish a count
    the reports hid, even one hidden only to protect another (that would undo the protection), so it takes the
    reports' one suppressed result of the year. A year the reports do not cover yet is suppressed on its own."""
    k = sources.min_cell()
    try:
        result = reports.year_result(session, year, k, today())
    except reports.ReportUnavailable:
        return sources.suppressed(dossiers_registered(session, entity.id, year))
    if entity.code in result.columns:
        cell = result.dossiers(reports.YEAR, entity.code)
    elif entity.code in result.grouped:
        cell = Cell(None, True)
    else:
        cell = Cell(0, False)
    return {"value": cell.value, "suppressed": cell.suppressed}


def quiet_confidants(session: Session, confidants: list[Confidant], year: int) -> set[int]:
    """R18: the active confidants with no registered dossier in ``year`` and the two years before, counting only
    whole years in the role (one appointed 18 months ago cannot have three empty years) and on the platform: before
    a confidant was here their dossiers were kept elsewhere, so a platform put into use this year must not call every
    long-serving confidant to a conversation."""
    first = date(year - QUIET_YEARS + 1, 1, 1)
    candidates = {confidant.user_id: confidant.id for confidant in confidants
                  if confidant.status == ConfidantStatus.ACTIVE and confidant.ended_on is None
                  and confidant.appointed_on <= first and _on_platform_since(confidant) <= first
                  and confidant.user_id is not None}
    if not candidates:
        return set()
    busy = set(session.scalars(select(Dossier.confidant_id).where(
        Dossier.confidant_id.in_(list(candidates)), Dossier.opened_on >= first,
        Dossier.opened_on <= year_bounds(year)[1]).distinct()))
    return {confidant_id for user_id, confidant_id in candidates.items() if user_id not in busy}


def current_year() -> int:
    return now().astimezone(BRUSSELS).year


def _on_platform_since(confidant: Confidant) -> date:
    return confidant.created_at.astimezone(BRUSSELS).date()


def build(session: Session, entity: Entity, year: int) -> dict[str, Any]:
    """The facts of ``entity``'s ``year``, as JSON-ready values."""
    confidants = confidants_of_year(session, entity.id, year)
    half_days = intervision_half_days(session, confidants, year)
    consultations = consultations_by_user(session, entity.id, year)
    sharing = sources.sharing_states(session, entity.id, year)
    contacts = sources.contacts_per_confidant(session, entity.id, year)
    quiet = quiet_confidants(session, confidants, year)
    rows = []
    for confidant in confidants:
        training, training_on = training_state(confidant, year)
        rows.append({
            "id": confidant.id, "name": confidant.name, "appointed_on": confidant.appointed_on.isoformat(),
            "ended_on": confidant.ended_on.isoformat() if confidant.ended_on else None,
            "training": training, "training_on": training_on, "half_days": half_days.get(confidant.id),
            "consultations": consultations.get(confidant.user_id, 0) if confidant.user_id else 0,
            "sharing": sharing.get(confidant.id), "contacts": contacts.get(confidant.id, 0),
            "quiet": confidant.id in quiet})
    consulted = sum(consultations.values())
    return {"year": year, "entity": {"code": entity.code, "name": entity.name}, "min_cell": sources.min_cell(),
            "dossiers": registered_as_reported(session, entity, year),
            "consultations": sources.suppressed(consulted),
            "confidants": rows}
