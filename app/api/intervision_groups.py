"""JSON API v1 of the intervision area (groups); the routes join the API blueprint."""
from __future__ import annotations

from app.api.routes import bp  # noqa: F401
