"""The roster page."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth import policy
from app.auth.accounts import entity_by_code
from app.clock import now
from app.db import session
from app.models import ConfidantStatus, Entity
from app.roster import services

bp = Blueprint("roster", __name__, url_prefix="/roster")


@bp.get("/")
@login_required
def index():
    if not policy.can_view_roster(current_user):
        abort(403)
    allowed = policy.roster_statuses_for(current_user)
    wanted = request.args.get("status", ConfidantStatus.ACTIVE.value)
    status = wanted if wanted in allowed else (None if wanted == "all" else ConfidantStatus.ACTIVE.value)
    entity = entity_by_code(session(), request.args.get("entity"))
    confidants = services.roster(session(), [status] if status else allowed, entity.id if entity else None)
    entities = list(session().scalars(select(Entity).order_by(Entity.name)))
    today = now().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    return render_template("roster/index.html", confidants=confidants, status=status, entity=entity,
                           entities=entities, statuses=allowed, today=today)
