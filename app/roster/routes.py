"""The roster page."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from app.auth import policy
from app.db import session
from app.engine.errors import InvalidData, NotAllowed
from app.models import ConfidantStatus
from app.roster import services
from app.ui import local_today

bp = Blueprint("roster", __name__, url_prefix="/roster")
ALL = "all"  # the status filter's choice for every status the user may list


@bp.get("/")
@login_required
def index():
    if not policy.can_view_roster(current_user):
        abort(403)
    status = request.args.get("status", ConfidantStatus.ACTIVE.value)
    entity = request.args.get("entity")
    try:
        roster = services.visible_roster(session(), current_user, None if status == ALL else status, entity)
    except (InvalidData, NotAllowed) as exc:
        return _page(None, {"status": status, "entity": entity}, exc), exc.status
    return _page(roster, {"status": ALL if roster.status is None else roster.status, "entity": entity})


def _page(roster: services.Roster | None, asked: dict, refusal: InvalidData | NotAllowed | None = None):
    errors = getattr(refusal, "errors", {}) if refusal else {}
    message = None if refusal is None or errors else str(refusal.message)
    return render_template("roster/index.html", roster=roster, asked=asked, errors=errors, refusal=message,
                           statuses=policy.roster_statuses_for(current_user), entities=services.entity_choices(session()),
                           today=local_today())
