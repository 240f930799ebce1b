"""A PAPSY takes up a late delicate case offered to every PAPSY; the summary follows from the confidant's key."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.db import session as db_session
from app.dossiers import summary_sharing
from app.dossiers.escalation import EscalationRefused
from app.dossiers.summary_sharing import SummaryState

bp = Blueprint("delicate", __name__, url_prefix="/delicate")


@bp.post("/tasks/<id:task_id>/take-up")
@login_required
def take_up(task_id: int):
    try:
        state = summary_sharing.take_up(db_session(), current_user, task_id)
    except EscalationRefused as exc:
        db_session().rollback()
        flash(str(exc.message), "error")
    else:
        flash(_("U nam de zaak op. De samenvatting wordt met u gedeeld zodra de vertrouwenspersoon weer aangemeld "
                "is.") if state is SummaryState.ON_ITS_WAY else _("U nam de zaak op."), "info")
    return redirect(url_for("workflow.task", task_id=task_id))
