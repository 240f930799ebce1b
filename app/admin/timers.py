"""Admin pages for timers: what is waiting, what failed (incidents), and the two actions: retry and fire now."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.admin.routes import bp
from app.db import session
from app.engine import timers as durable


@bp.get("/timers")
def timers():
    pending, failed = durable.waiting_and_failed(session())
    return render_template("admin/timers.html", pending=pending, failed=failed)


@bp.post("/timers/<id:timer_id>/retry")
def retry_timer(timer_id: int):
    durable.retry(session(), timer_id)
    durable.schedule_now(session(), timer_id)
    flash(_("De termijn wordt opnieuw geprobeerd."), "success")
    return redirect(url_for("admin.timers"))


@bp.post("/timers/<id:timer_id>/fire-now")
def fire_timer_now(timer_id: int):
    durable.fire_now(session(), timer_id)
    durable.schedule_now(session(), timer_id)
    flash(_("De termijn gaat nu af."), "success")
    return redirect(url_for("admin.timers"))
