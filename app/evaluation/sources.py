"""What other areas tell the evaluation: the R8 sharing state (app/incidents) and the R21 contacts (app/contacts) per
confidant, and the small-cell suppression of the reports (R7, app/reports/suppression.py), with the same K."""
from __future__ import annotations

import os

from sqlalchemy.orm import Session

from app.contacts import services as contacts
from app.incidents import services as incidents
from app.reports import suppression


def sharing_states(session: Session, entity_id: int, year: int) -> dict[int, str]:
    """confidant id -> the state of their R8 sharing of ``year`` (open, late, submitted, acknowledged, cancelled)."""
    return incidents.sharing_states(session, entity_id, year)


def contacts_per_confidant(session: Session, entity_id: int, year: int) -> dict[int, int]:
    """confidant id -> their R21 contacts with the PAPSY in ``year``."""
    return contacts.contacts_per_confidant(session, entity_id, year)


def min_cell() -> int:
    """K of the reports (REPORT_MIN_CELL): a count from 1 to K-1 is never shown (R7)."""
    from flask import current_app, has_app_context

    return suppression.min_cell(current_app.config if has_app_context() else os.environ)


def suppressed(count: int) -> dict[str, int | bool | None]:
    """``count`` as the reports would show it, JSON-ready: the value, or None and ``suppressed`` when it is small
    enough to point at a person."""
    cells, _total = suppression.suppress_counts({"all": count}, min_cell())
    return {"value": cells["all"].value, "suppressed": cells["all"].suppressed}
