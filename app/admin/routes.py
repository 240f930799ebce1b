"""Admin pages: the deployed process models and their versions, users and entities."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from app.admin import services
from app.auth import policy
from app.db import session
from app.modeling import drafts

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    if not policy.can_manage_platform(current_user):
        abort(403)


@bp.get("/")
def index():
    return render_template("admin/index.html", overview=services.overview(session()),
                           my_drafts=drafts.drafts_of(session(), current_user))

from app.admin import (
    migrations,  # noqa: E402,F401
    modeler,  # noqa: E402,F401
    models,  # noqa: E402,F401
    new_user,  # noqa: E402,F401
    outbox,  # noqa: E402,F401
    timers,  # noqa: E402,F401
    users,  # noqa: E402,F401
)
