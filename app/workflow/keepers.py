"""Task form data that must never enter the workflow (a delicate case's summary, the PAPSY's advice): the area that
owns the form keeps it elsewhere, sealed, and hands the engine only what the process may carry. The workflow
services call a form's keeper after its checks and before the engine, in the same transaction, for the web pages
and the API alike."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.models import Task, User

Keeper = Callable[[Session, User, Task, dict], dict]
_keepers: dict[str, Keeper] = {}


def data_keeper(form_name: str) -> Callable[[Keeper], Keeper]:
    """Register ``keep(session, user, task, data) -> data for the workflow`` for the form ``form_name``. It stores
    what is confidential and returns what the engine may carry; it raises InvalidData when it cannot keep it."""

    def register(keeper: Keeper) -> Keeper:
        _keepers[form_name] = keeper
        return keeper

    return register


def for_the_workflow(session: Session, user: User, form_name: str, task: Task, data: dict) -> dict:
    """What of a task's checked ``data`` goes to the engine: all of it, unless the form has a keeper."""
    keeper = _keepers.get(form_name)
    return keeper(session, user, task, data) if keeper else data
