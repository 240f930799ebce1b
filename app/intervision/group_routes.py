"""Routes of the intervision area (group)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("intervision_group", __name__)
