"""Routes of the intervision area (compliance)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("intervision_compliance", __name__)
