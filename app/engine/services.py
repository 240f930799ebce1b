"""Service tasks call named functions from this one registry (``roster.activate``, ``mail.send``, ...).

The areas register their functions with ``@service``; the process imports them at start (``register_areas`` in
app/__init__.py), so the engine knows no area.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ServiceContext:
    """What a service function may use besides the task data: the unit of work and the instance."""

    session: Session
    instance_id: int
    entity_id: int


ServiceFunction = Callable[[ServiceContext, dict[str, Any], dict[str, Any]], Any]
_registry: dict[str, ServiceFunction] = {}


def service(name: str) -> Callable[[ServiceFunction], ServiceFunction]:
    """Register ``fn(context, params, task_data)`` under ``name``."""

    def register(fn: ServiceFunction) -> ServiceFunction:
        _registry[name] = fn
        return fn

    return register


def known_services() -> frozenset[str]:
    return frozenset(_registry)


def service_caller(context: ServiceContext) -> Callable[[str, dict, dict], Any]:
    """A caller for the sandboxed script engine, bound to one unit of work and instance."""

    def call(operation_name: str, params: dict, task_data: dict) -> Any:
        try:
            fn = _registry[operation_name]
        except KeyError:
            raise LookupError(f"unknown service {operation_name!r}") from None
        return fn(context, params, task_data)

    return call
