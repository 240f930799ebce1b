"""Services for the timer fault tests, loaded in the worker processes with
VERTROUWD_EXTRA_SERVICE_MODULES=tests.integration.timer_services (and imported by the tests themselves).

They count their calls in the tests' Redis database (db 13, flushed by the ``redis_client`` fixture), so the
test process and every worker process share one counter per instance.
"""
from __future__ import annotations

from app.engine.services import ServiceContext, service
from workers import connection

PREFIX = "vertrouwd-test:timer-services"


class FlakyServiceError(RuntimeError):
    """Raised by test.flaky on its first attempts and by test.broken until it is fixed."""


def calls_key(name: str, instance_id: int) -> str:
    return f"{PREFIX}:{name}:{instance_id}"


def fixed_key() -> str:
    return f"{PREFIX}:broken-fixed"


@service("test.flaky")
def flaky(context: ServiceContext, params: dict, data: dict) -> int:
    """Fails on the first two calls for an instance, then answers the call number."""
    calls = connection.redis_connection().incr(calls_key("flaky", context.instance_id))
    if calls <= 2:
        raise FlakyServiceError(f"flaky call {calls}")
    return calls


@service("test.broken")
def broken(context: ServiceContext, params: dict, data: dict) -> int:
    """Fails on every call until the test sets the 'fixed' key (the admin repaired what it depends on)."""
    redis = connection.redis_connection()
    calls = redis.incr(calls_key("broken", context.instance_id))
    if not redis.exists(fixed_key()):
        raise FlakyServiceError(f"broken call {calls}")
    return calls
