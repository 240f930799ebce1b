"""The list of all appointed confidants (R15), as the GDPB keeps it: each confidant's status with its inactivity
period or the end of the role, and the basic training (R11). The roster page, its CSV export and the API's
``GET /confidants`` share these rows; who sees which statuses is ``services.visible_roster``'s."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.intervision.compliance_export import training_words
from app.models import Confidant, ConfidantStatus, InactivityPeriod, User
from app.roster import spreadsheet
from app.roster.contact import phone_cell, tel_uri
from app.roster.services import Roster
from app.ui import status_label


NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Period:
    """An inactivity period that has not ended and was not called off: the current one, or the next one planned."""

    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Listed:
    """A confidant as the roster lists them; ``period`` only for those who keep the full list (R15)."""

    confidant: Confidant
    training: str
    training_on: date | None
    period: Period | None
    full: bool

    @property
    def tel(self) -> str | None:
        return tel_uri(self.confidant.phone)


def listed(session: Session, roster: Roster, user: User, today: date) -> list[Listed]:
    """The rows of ``roster`` for ``user``: the GDPB (who keeps the full list) also gets the inactivity periods."""
    full = policy.can_view_full_roster(user)
    periods = open_periods(session, [c.id for c in roster.confidants]) if full and roster.confidants else {}
    return [Listed(c, *_training(c, today), periods.get(c.id), full) for c in roster.confidants]


def _training(confidant: Confidant, today: date) -> tuple[str, date | None]:
    """R11 at a glance; a former confidant's training no longer due is "not_applicable" (never late)."""
    status, on = confidant.training_status(today)
    if confidant.status == ConfidantStatus.FORMER and status in ("due", "overdue"):
        return NOT_APPLICABLE, None
    return status, on


def open_periods(session: Session, confidant_ids: list[int]) -> dict[int, Period]:
    """Per confidant, the first inactivity period neither ended nor cancelled (the one they are in, or the next)."""
    periods: dict[int, Period] = {}
    rows = session.execute(select(InactivityPeriod.confidant_id, InactivityPeriod.starts_on, InactivityPeriod.ends_on)
                           .where(InactivityPeriod.ended_on.is_(None), InactivityPeriod.cancelled_at.is_(None))
                           .order_by(InactivityPeriod.starts_on.desc()))
    wanted = set(confidant_ids)
    for confidant_id, starts_on, ends_on in rows:
        if confidant_id in wanted:
            periods[confidant_id] = Period(starts_on, ends_on)  # the earliest one is written last
    return periods


def csv_text(rows: list[Listed], full: bool) -> str:
    """What the roster page shows, a row per confidant (see ``spreadsheet`` for the format); the GDPB's columns
    (the inactivity period, the end of the role) only when ``full``."""
    head = [_("Naam"), _("E-mail"), _("Telefoon"), _("Werkplaats"), _("Entiteit"), _("Code entiteit"), _("Status"),
            _("Aangesteld op"), _("Basisopleiding")]
    if full:
        head += [_("Inactief van"), _("Inactief tot"), _("Rol beëindigd op")]
    return spreadsheet.csv_text(head, (_cells(row, full) for row in rows))


def _cells(row: Listed, full: bool) -> list[object]:
    c = row.confidant
    cells: list[object] = [c.name, c.email, phone_cell(c.phone), c.work_location, c.entity.name, c.entity.code,
                           status_label("confidant", c.status), c.appointed_on.isoformat(), _training_words(row)]
    if full:
        cells += [row.period.starts_on.isoformat() if row.period else "",
                  row.period.ends_on.isoformat() if row.period else "",
                  c.ended_on.isoformat() if c.ended_on and c.status == ConfidantStatus.FORMER else ""]
    return cells


def _training_words(row: Listed) -> str:
    return _("niet meer van toepassing") if row.training == NOT_APPLICABLE else training_words(row)
