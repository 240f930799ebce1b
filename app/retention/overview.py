"""The PAPSY's overview of retention (M27): the closed dossiers of their entities whose shredding comes near, and
those a legal hold keeps. Categorical only: number, entity, dates, the hold and its reason; never the requester,
the notes or anything else sealed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.models import Entity, User
from app.models.dossiers import Dossier, LegalHold
from app.retention import services

PAGE_SIZE = 50
HORIZONS = {"90": 90, "365": 365, "all": None}  # days ahead; "all": every closed dossier not shredded yet
DEFAULT_HORIZON = "90"
HORIZON_LABELS = {"90": _l("de komende 90 dagen"), "365": _l("het komende jaar"),
                  "all": _l("alle afgesloten dossiers")}


@dataclass(frozen=True)
class Row:
    id: int
    entity: str
    closed_on: date
    shred_on: date  # planned, if no hold stops it
    notice_on: date | None
    hold_reason: str | None  # the active hold's reason, None when not held


def parse_horizon(value: str | None) -> tuple[str, str | None]:
    """The chosen horizon, and a message when the value is not one of the choices (the default is shown)."""
    if not value:
        return DEFAULT_HORIZON, None
    if value in HORIZONS:
        return value, None
    return DEFAULT_HORIZON, str(_l("Deze keuze bestaat niet; de komende 90 dagen worden getoond."))


def page_for(session: Session, papsy: User, horizon: str, today: date, page: int = 1) -> tuple[list[Row], int]:
    """A page of the closed, not shredded dossiers of ``papsy``'s entities that are held or whose shredding falls
    within ``horizon``, the soonest first; and how many there are."""
    entity_ids = policy.retention_entity_ids(papsy)
    if not entity_ids:
        return [], 0
    years = services.retention_years()
    conditions = [Dossier.entity_id.in_(entity_ids), Dossier.closed_on.is_not(None), Dossier.shredded_at.is_(None)]
    days = HORIZONS[horizon]
    if days is not None:
        conditions.append(or_(services.held(), Dossier.closed_on <= services.closed_by(today + timedelta(days=days),
                                                                                       years)))
    total = session.scalar(select(func.count(Dossier.id)).where(*conditions)) or 0
    rows = session.execute(
        select(Dossier.id, Entity.name, Dossier.closed_on, Dossier.retention_notice_on, LegalHold.reason)
        .join(Entity, Entity.id == Dossier.entity_id)
        .outerjoin(LegalHold, (LegalHold.dossier_id == Dossier.id) & LegalHold.lifted_at.is_(None))
        .where(*conditions).order_by(Dossier.closed_on, Dossier.id)
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return [Row(dossier_id, name, closed_on, services.planned_date(closed_on, notice_on, today, years), notice_on,
                reason) for dossier_id, name, closed_on, notice_on, reason in rows], total
