"""What the rest of the application asks of the yearly sharing of repeated incidents (R8): where each confidant's
sharing of a year stands (for the evaluation, R18), and which dossiers of a year a confidant marked as a repeated
incident (categorical facts only)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.clock import now
from app.models import IncidentSharing, SharingState
from app.models.dossiers import Dossier, FactKind

BRUSSELS = ZoneInfo("Europe/Brussels")
LATE = "late"


def this_year() -> int:
    return now().astimezone(BRUSSELS).year


def opens_at(year: int) -> datetime:
    """1 December of ``year``, 09:00 in Brussels: the confidants' tasks of that year arrive."""
    return datetime.combine(date(year, 12, 1), time(9), BRUSSELS)


def sharing_states(session: Session, entity_id: int, year: int) -> dict[int, str]:
    """Confidant id -> "open" | "late" | "submitted" | "acknowledged" | "cancelled" for the entity's sharings of
    ``year``; "late" is open past its due date. Empty before the year's sharing opened (1 December)."""
    if now() < opens_at(year):
        return {}
    today = now().astimezone(BRUSSELS).date()
    rows = session.execute(select(IncidentSharing.confidant_id, IncidentSharing.state, IncidentSharing.due_on).where(
        IncidentSharing.entity_id == entity_id, IncidentSharing.year == year)).all()
    return {confidant_id: LATE if state == SharingState.OPEN and today > due else str(SharingState(state))
            for confidant_id, state, due in rows}


@dataclass(frozen=True)
class RepeatedDossier:
    """A dossier of the year marked "repeated incident", by its categorical facts (codes of the dossier form)."""

    id: int
    opened_on: date
    closed_on: date | None
    outcome: str | None
    themes: list[str]
    persons: list[str]
    interventions: list[str]


def repeated_dossiers(session: Session, confidant_user_id: int, year: int) -> list[RepeatedDossier]:
    """The confidant's dossiers marked "repeated incident" that ran during ``year`` (opened before its end, not
    closed before its start), oldest first."""
    dossiers = session.scalars(select(Dossier).where(
        Dossier.confidant_id == confidant_user_id, Dossier.repeated_incident.is_(True),
        Dossier.opened_on <= date(year, 12, 31),
        or_(Dossier.closed_on.is_(None), Dossier.closed_on >= date(year, 1, 1)))
        .order_by(Dossier.opened_on, Dossier.id)).all()
    return [RepeatedDossier(dossier.id, dossier.opened_on, dossier.closed_on, dossier.outcome,
                            dossier.values(FactKind.THEME), dossier.values(FactKind.PERSON),
                            dossier.values(FactKind.INTERVENTION)) for dossier in dossiers]
