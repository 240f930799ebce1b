"""Rules a form's data must meet beyond its JSON Schema, registered per form by the area that owns them.

A check returns field errors ({} when the data is fine); the workflow services run every check of a
form after the schema validation, for the web pages and the API alike.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

FormCheck = Callable[..., dict[str, str]]
_checks: dict[str, list[tuple[FormCheck, bool]]] = {}


def form_check(form_name: str, *, with_instance: bool = False) -> Callable[[FormCheck], FormCheck]:
    """Register ``check(session, entity_id, data) -> {field: message}`` for the form ``form_name``; with
    ``with_instance`` the check also gets the id of the process instance whose task is completed (None at a start)."""

    def register(check: FormCheck) -> FormCheck:
        _checks.setdefault(form_name, []).append((check, with_instance))
        return check

    return register


def run_checks(session: Session, form_name: str, entity_id: int, data: dict,
               instance_id: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for check, with_instance in _checks.get(form_name, []):
        found = check(session, entity_id, data, instance_id) if with_instance else check(session, entity_id, data)
        for field, message in found.items():
            errors.setdefault(field, message)
    return errors
