"""Routes of the intervision area (open)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("intervision_open", __name__)
