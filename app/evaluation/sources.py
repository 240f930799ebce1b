"""What other areas tell the evaluation, behind one small port each: the R8 sharing state and the R21 contacts per
confidant, and the small-cell suppression of the reports (R7). An area that is not there yet answers None, and the
evaluation shows "not recorded" for it."""
from __future__ import annotations

from importlib import import_module

from sqlalchemy.orm import Session

MIN_CELL_DEFAULT = 5


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
    """K of the reports: a count from 1 to K-1 is never shown (R7)."""
    from app.mail.outbox import current_settings

    found = _function("app.reports.suppression", "min_cell")
    if found is not None:
        return int(found(current_settings()))
    return max(3, int(getattr(current_settings(), "report_min_cell", MIN_CELL_DEFAULT) or MIN_CELL_DEFAULT))


def suppressed(count: int) -> int | None:
    """``count`` as a report may show it: None when it is small enough to point at a person (1 to K-1)."""
    return None if 0 < count < min_cell() else count
