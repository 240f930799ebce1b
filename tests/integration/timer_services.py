"""Services for the timer fault tests, loaded in the worker processes with
VERTROUWD_EXTRA_SERVICE_MODULES=tests.integration.timer_services (and imported by the tests themselves).

They count their calls in files under $VERTROUWD_TEST_SERVICE_DIR (one line appended per call; appends of a
few bytes are atomic, so the test process and every worker process share one counter per instance). Not in
Redis: on a shared development machine other test runs flush the test Redis db 13 many times a second, which
would reset a counter kept there.
"""
from __future__ import annotations

import os
from pathlib import Path

from app.engine.services import ServiceContext, service

ENV = "VERTROUWD_TEST_SERVICE_DIR"


class FlakyServiceError(RuntimeError):
    """Raised by test.flaky on its first attempts and by test.broken until it is fixed."""


def _dir() -> Path:
    return Path(os.environ[ENV])


def calls(name: str, instance_id: int) -> int:
    path = _dir() / f"{name}-{instance_id}.calls"
    return len(path.read_text().splitlines()) if path.exists() else 0


def _count_call(name: str, instance_id: int) -> int:
    with open(_dir() / f"{name}-{instance_id}.calls", "a") as calls_file:
        calls_file.write(f"{os.getpid()}\n")
    return calls(name, instance_id)


def fix_broken() -> None:
    """What an admin repaired: test.broken works from now on."""
    (_dir() / "broken-fixed").touch()


@service("test.flaky")
def flaky(context: ServiceContext, params: dict, data: dict) -> int:
    """Fails on the first two calls for an instance, then answers the call number."""
    number = _count_call("flaky", context.instance_id)
    if number <= 2:
        raise FlakyServiceError(f"flaky call {number}")
    return number


@service("test.broken")
def broken(context: ServiceContext, params: dict, data: dict) -> int:
    """Fails on every call until the test fixes it."""
    number = _count_call("broken", context.instance_id)
    if not (_dir() / "broken-fixed").exists():
        raise FlakyServiceError(f"broken call {number}")
    return number
