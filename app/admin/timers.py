"""Admin pages for timers: what is waiting, what failed (incidents), what fired lately, and the two actions."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import timer_board
from app.admin.routes import bp
from app.db import session
from app.engine.errors import Conflict
from app.web import local_path


@bp.get("/timers")
def timers():
    return render_template("admin/timers.html", board=timer_board.timer_board(session(), current_user))


@bp.post("/timers/<id:timer_id>/retry")
def retry_timer(timer_id: int):
    try:
        timer_board.retry(session(), timer_id)
    except Conflict as exc:
        return _back(timer_id, str(exc.message), "error")
    return _back(timer_id, _("De termijn wordt opnieuw geprobeerd."), "success")


@bp.post("/timers/<id:timer_id>/fire-now")
def fire_timer_now(timer_id: int):
    """Fires only when the admin confirmed (the browser's question, or our page's for a browser without
    JavaScript) and only the timer the admin saw (its due time is sent along): a stray or repeated POST asks."""
    seen_due = request.form.get("due")
    try:
        if request.form.get("confirmed") != "1":
            row = timer_board.timer_to_confirm(session(), current_user, timer_id)
            return render_template("admin/timer_confirm.html", row=row)
        timer_board.fire_now(session(), current_user, timer_id, seen_due)
    except Conflict as exc:
        return _back(timer_id, str(exc.message), "error")
    return _back(timer_id, _("De termijn wordt nu afgevuurd. Hieronder ziet u hoe het verloopt."), "success")


def _back(timer_id: int, message: str, category: str):
    """Back where the button was: the timers page, or the instance page it was pressed on (``next``)."""
    flash(message, category)
    board = url_for("admin.timers", _anchor=f"timer-{timer_id}")
    return redirect(local_path(request.form.get("next"), board))
