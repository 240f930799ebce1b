"""Routes of the intervision area (calendar)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("intervision_calendar", __name__)
