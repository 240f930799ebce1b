"""A service that fails on demand, for the timer tests (loaded in workers through VERTROUWD_EXTRA_SERVICE_MODULES)."""
from __future__ import annotations

from app.engine.services import service

FAILURES = {"left": 0}  # how many calls still fail (in this process)


@service("test.maybe_fail")
def maybe_fail(context, params, data) -> str:
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise RuntimeError("failing on purpose")
    return "ok"
