"""Choices a task form offers that only the database knows (the intervision groups that still have a place), named in
the form's UI schema and supplied by the area that owns them:

    "group_id": {"ui:options": {"choicesFrom": "intervision.groups"}}

The field stays what its JSON Schema says (an integer, say), so the API and the form checks judge a submission as
before; on the task screen it becomes a choice among what the source offers for that task, at that moment.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from app.forms import FormDefinition
from app.models import Task

ChoiceSource = Callable[[Session, Task], list[tuple[Any, str]]]
UI_OPTION = "choicesFrom"
_sources: dict[str, ChoiceSource] = {}


def choice_source(name: str) -> Callable[[ChoiceSource], ChoiceSource]:
    """Register ``source(session, task) -> [(value, label), ...]`` under ``name``."""

    def register(source: ChoiceSource) -> ChoiceSource:
        _sources[name] = source
        return source

    return register


def offered(session: Session, task: Task, form: FormDefinition) -> FormDefinition:
    """``form`` with each field that names a known source turned into a choice among that source's options; the form
    itself when none does (a source nobody registered leaves its field as the schema has it)."""
    named = {field.name: _sources.get(field.ui_options.get(UI_OPTION)) for field in form.fields}
    if not any(named.values()):
        return form
    fields = [replace(field, kind="select", options=source(session, task)) if (source := named[field.name]) else field
              for field in form.fields]
    return replace(form, fields=fields)
