"""Extra sections on a task screen, contributed by the area that owns the process (a delicate case's summary,
shown to the PAPSY who may act on the task). A panel returns HTML, or None when it has nothing to show."""
from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup
from sqlalchemy.orm import Session

from app.models import Task, User

TaskPanel = Callable[[Session, User, Task], Markup | None]
_panels: dict[str, list[TaskPanel]] = {}


def task_panel(model_key: str) -> Callable[[TaskPanel], TaskPanel]:
    def register(panel: TaskPanel) -> TaskPanel:
        _panels.setdefault(model_key, []).append(panel)
        return panel

    return register


def panels_for(session: Session, user: User, task: Task) -> list[Markup]:
    shown = (panel(session, user, task) for panel in _panels.get(task.instance.model_version.model_key, []))
    return [html for html in shown if html]
