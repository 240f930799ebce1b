"""Admin pages for timers: what is waiting, what failed (incidents), and the two actions: retry and fire now."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.routes import bp
from app.auth import policy
from app.db import session
from app.engine import timers as durable
from app.models import Timer


@bp.get("/timers")
def timers():
    pending, failed = durable.waiting_and_failed(session())
    # Of a confidential process (a delicate case) an admin sees that a timer waits or failed, not when or which.
    shown = {timer.id for timer in pending + failed if policy.can_view_instance(current_user, timer.instance)}
    return render_template("admin/timers.html", pending=pending, failed=failed, shown=shown)


@bp.post("/timers/<id:timer_id>/retry")
def retry_timer(timer_id: int):
    durable.retry(session(), timer_id)
    durable.schedule_now(session(), timer_id)
    flash(_("De termijn wordt opnieuw geprobeerd."), "success")
    return redirect(url_for("admin.timers"))


@bp.post("/timers/<id:timer_id>/fire-now")
def fire_timer_now(timer_id: int):
    timer = session().get(Timer, timer_id)
    if timer is not None and not policy.can_view_instance(current_user, timer.instance):
        abort(403)  # a confidential process's deadlines are its participants' (R9's escalation runs on its own)
    durable.fire_now(session(), timer_id)
    durable.schedule_now(session(), timer_id)
    flash(_("De termijn gaat nu af."), "success")
    return redirect(url_for("admin.timers"))
