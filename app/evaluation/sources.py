"""What other areas tell the evaluation, behind one small port each: the R8 sharing state and the R21 contacts per
confidant (an area that is not there yet answers None, and the evaluation shows "not recorded" for it), and the
small-cell suppression of the reports (R7, app/reports/suppression.py), with the same K."""
from __future__ import annotations

import os
from importlib import import_module

from sqlalchemy.orm import Session

from app.reports import suppression


def _function(module: str, name: str):
    try:
        return getattr(import_module(module), name)
    except (ImportError, AttributeError):
        return None


def sharing_states(session: Session, entity_id: int, year: int) -> dict[int, str] | None:
    """confidant id -> the state of their R8 sharing of ``year`` (None: the sharing is not recorded here)."""
    states = _function("app.incidents.services", "sharing_states")
    return None if states is None else {key: str(value) for key, value in states(session, entity_id, year).items()}


def contacts_per_confidant(session: Session, entity_id: int, year: int) -> dict[int, int] | None:
    """confidant id -> their R21 contacts with the PAPSY in ``year`` (None: contacts are not recorded here)."""
    contacts = _function("app.contacts.services", "contacts_per_confidant")
    return None if contacts is None else dict(contacts(session, entity_id, year))


def min_cell() -> int:
    """K of the reports (REPORT_MIN_CELL): a count from 1 to K-1 is never shown (R7)."""
    from flask import current_app, has_app_context

    return suppression.min_cell(current_app.config if has_app_context() else os.environ)


def suppressed(count: int) -> dict[str, int | bool | None]:
    """``count`` as the reports would show it, JSON-ready: the value, or None and ``suppressed`` when it is small
    enough to point at a person."""
    cells, _total = suppression.suppress_counts({"all": count}, min_cell())
    return {"value": cells["all"].value, "suppressed": cells["all"].suppressed}
