"""The instance page's diagram (JSON for its viewer) and an admin's move of one instance to another version of its
process: first what would change (a dry run), then the move itself."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import policy
from app.db import session
from app.engine.errors import Conflict, InvalidData
from app.workflow import instance_admin, instance_diagram
from app.workflow import instances as instance_pages
from app.workflow.routes import bp


@bp.get("/instances/<id:instance_id>/diagram")
@login_required
def instance_diagram_data(instance_id: int):
    instance, access = instance_pages.instance_for(session(), current_user, instance_id)
    return jsonify(instance_diagram.diagram(instance, access))


@bp.get("/instances/<id:instance_id>/migrate")
@login_required
def migration_preview(instance_id: int):
    """The dry run of moving the instance to ?version=N: what changes, or why it cannot move."""
    try:
        plan = instance_admin.migrate(session(), current_user, instance_id,
                                      {"version": _number(request.args.get("version")), "dry_run": True})
    except (Conflict, InvalidData) as refused:
        return _back(instance_id, refused)
    instance, access = instance_pages.instance_for(session(), current_user, instance_id)
    return render_template("workflow/instance_migrate.html", instance=instance, plan=plan,
                           sees_steps=access is policy.InstanceAccess.FULL)


@bp.post("/instances/<id:instance_id>/migrate")
@login_required
def migrate_instance(instance_id: int):
    version = _number(request.form.get("version"))
    try:
        instance_admin.migrate(session(), current_user, instance_id, {"version": version, "dry_run": False})
    except (Conflict, InvalidData) as refused:
        return _back(instance_id, refused)
    flash(_("Het proces staat nu op versie %(version)d.", version=version), "success")
    return redirect(url_for("workflow.instance", instance_id=instance_id))


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 8 else None


def _back(instance_id: int, refused: Conflict | InvalidData):
    """Back on the instance page, saying why not (a bad version, an ended instance, a changed completed step)."""
    session().rollback()
    reasons = getattr(refused, "errors", None)
    flash(str(next(iter(reasons.values()))) if reasons else str(refused.message), "error")
    return redirect(url_for("workflow.instance", instance_id=instance_id, _anchor="instance-admin-title"))
