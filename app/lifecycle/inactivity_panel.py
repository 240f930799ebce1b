"""The PAPSY's acknowledgement task shows the period it is about: who, from when to when, the stand-in."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.lifecycle.inactivity_process import ACKNOWLEDGE, MODEL_KEY
from app.models import InactivityPeriod, Task, User
from app.workflow.panels import task_panel


@task_panel(MODEL_KEY)
def reported_period(session: Session, user: User, task: Task) -> Markup | None:
    if task.spec_name != ACKNOWLEDGE:
        return None
    period = session.scalar(select(InactivityPeriod).where(InactivityPeriod.instance_id == task.instance_id))
    if period is None:
        return None
    return Markup(render_template("lifecycle/inactivity_panel.html", period=period))
