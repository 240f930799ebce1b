"""Rules a form's data must meet beyond its JSON Schema, registered per form by the area that owns them.

A check returns field errors ({} when the data is fine); the workflow services run every check of a
form after the schema validation, for the web pages and the API alike.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

FormCheck = Callable[[Session, int, dict], dict[str, str]]
CHECK_MODULES = ["app.roster.services"]
_checks: dict[str, list[FormCheck]] = {}


def form_check(form_name: str) -> Callable[[FormCheck], FormCheck]:
    """Register ``check(session, entity_id, data) -> {field: message}`` for the form ``form_name``."""

    def register(check: FormCheck) -> FormCheck:
        _checks.setdefault(form_name, []).append(check)
        return check

    return register


def run_checks(session: Session, form_name: str, entity_id: int, data: dict) -> dict[str, str]:
    for module in CHECK_MODULES:
        importlib.import_module(module)
    errors: dict[str, str] = {}
    for check in _checks.get(form_name, []):
        for field, message in check(session, entity_id, data).items():
            errors.setdefault(field, message)
    return errors
