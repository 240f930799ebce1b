"""The admin's decision on a recovery request: the offline key arrives with this one POST and is used in memory."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.crypto.recovery import RecoveryKeyError
from app.db import session as db_session
from app.dossiers import recovery_process
from app.dossiers.recovery_process import RecoveryRefused
from app.models import Task

bp = Blueprint("recovery", __name__, url_prefix="/recovery")
MAX_KEY_BYTES = 4096


@bp.post("/tasks/<id:task_id>")
@login_required
def decide(task_id: int):
    if db_session().get(Task, task_id) is None:
        abort(404)
    approve = request.form.get("decision") == "approve"
    upload = request.files.get("key_file")
    key_file = upload.read(MAX_KEY_BYTES + 1) if upload else None
    try:
        if key_file is not None and len(key_file) > MAX_KEY_BYTES:
            raise RecoveryRefused(_("Dit is geen herstelsleutel."))
        count = recovery_process.decide(db_session(), current_user, task_id, approve, key_file or None)
    except (RecoveryRefused, RecoveryKeyError) as exc:
        db_session().rollback()
        flash(str(getattr(exc, "message", exc)), "error")
        return redirect(url_for("workflow.task", task_id=task_id))
    flash(_("%(count)d dossier(s) hersteld.", count=count) if approve else _("Herstel geweigerd."), "info")
    return redirect(url_for("workflow.inbox"))
