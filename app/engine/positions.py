"""Where an instance stands in its diagram: each BPMN element's state (completed, active, waiting) and the names of
the data it holds, read from one load of the workflow. The instance page and its diagram ask here; the rules on who
may see them are the policy's (app/workflow/instance_diagram.py)."""
from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState as SpiffState

from app.engine import projection
from app.engine.runner import load
from app.models import ProcessInstance

COMPLETED, ACTIVE, WAITING = "completed", "active", "waiting"
_STATES = {SpiffState.COMPLETED: COMPLETED, SpiffState.READY: ACTIVE, SpiffState.STARTED: ACTIVE,
           SpiffState.WAITING: WAITING}
_RANK = {COMPLETED: 0, WAITING: 1, ACTIVE: 2}  # an element passed twice shows what it does now
_NOW = SpiffState.READY | SpiffState.STARTED | SpiffState.WAITING


@dataclass(frozen=True)
class ElementState:
    """One BPMN element of the instance: its id (for the diagram's markers, never shown), its name in the diagram
    (None when it has none) and its state; ``at`` orders the steps as they happened."""

    element: str
    name: str | None
    state: str
    at: float


@dataclass(frozen=True)
class Position:
    elements: list[ElementState]  # in the order they were reached
    data_names: list[str]  # the names of the workflow data, never their values


def position(instance: ProcessInstance) -> Position:
    workflow = load(instance)
    tasks = list(projection.all_tasks(workflow))
    return Position(_element_states(tasks), _data_names(workflow, tasks))


def _element_states(tasks) -> list[ElementState]:
    found: dict[str, ElementState] = {}
    for task in tasks:
        element, state = getattr(task.task_spec, "bpmn_id", None), _STATES.get(task.state)
        if not element or state is None:
            continue  # the engine's own inner steps, and what has not happened (or was cancelled)
        known = found.get(element)
        if known is None or (_RANK[state], task.last_state_change) > (_RANK[known.state], known.at):
            name = getattr(task.task_spec, "bpmn_name", None) or None
            found[element] = ElementState(element, name, state, task.last_state_change)
    return sorted(found.values(), key=lambda item: item.at)


def _data_names(workflow, tasks) -> list[str]:
    """The data where the instance is now (its open and waiting steps; an ended one's end data)."""
    names = set(workflow.data)
    for task in tasks:
        if task.state & _NOW:
            names.update(task.data)
    if not names:
        done = [task for task in tasks if task.state == SpiffState.COMPLETED]
        if done:
            names.update(max(done, key=lambda task: task.last_state_change).data)
    return sorted(str(name) for name in names)
