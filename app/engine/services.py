"""Service tasks call named functions from this one registry (``roster.activate``, ``mail.send``, ...)."""
from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

# Modules that register services when imported; the engine loads them before it runs anything.
SERVICE_MODULES = ["app.roster.services", "app.mail.service", "app.training.services", "app.dossiers.escalation"]


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


def load_services() -> None:
    # VERTROUWD_EXTRA_SERVICE_MODULES: comma-separated modules with more services (tests and benchmarks use it
    # to give worker processes services of their own).
    extra = [m for m in os.environ.get("VERTROUWD_EXTRA_SERVICE_MODULES", "").split(",") if m.strip()]
    for module in [*SERVICE_MODULES, *extra]:
        importlib.import_module(module.strip())


def known_services() -> frozenset[str]:
    load_services()
    return frozenset(_registry)


def service_caller(context: ServiceContext) -> Callable[[str, dict, dict], Any]:
    """A caller for the sandboxed script engine, bound to one unit of work and instance."""
    load_services()

    def call(operation_name: str, params: dict, task_data: dict) -> Any:
        try:
            fn = _registry[operation_name]
        except KeyError:
            raise LookupError(f"unknown service {operation_name!r}") from None
        return fn(context, params, task_data)

    return call
