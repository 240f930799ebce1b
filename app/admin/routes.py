"""Admin pages: the deployed process models and their versions, users and entities."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth import policy
from app.db import session
from app.engine import registry
from app.models import Entity, ProcessModelVersion, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_admin():
    if not policy.can_manage_platform(current_user):
        abort(403)


@bp.get("/")
def index():
    versions = list(session().scalars(select(ProcessModelVersion).order_by(
        ProcessModelVersion.model_key, ProcessModelVersion.version.desc())))
    return render_template("admin/index.html", models=registry.list_models(session()), versions=versions,
                           users=list(session().scalars(select(User).order_by(User.name))),
                           entities=list(session().scalars(select(Entity).order_by(Entity.name))))

from app.admin import (
    new_user,  # noqa: E402,F401
    outbox,  # noqa: E402,F401
    timers,  # noqa: E402,F401
    users,  # noqa: E402,F401
)
