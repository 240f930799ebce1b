"""The appointment's review screen: the PAPSY is told when the candidate can no longer be appointed (an account
may have changed since the EOC secretary submitted), before approving."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from app.models import Task, TaskState, User
from app.roster.services import appointment_candidate, candidate_refusal
from app.workflow.panels import task_panel


@task_panel("appointment")
def candidate_refused(session: Session, user: User, task: Task) -> Markup | None:
    if task.spec_name != "review_appointment" or task.state != TaskState.READY:
        return None
    reason = candidate_refusal(session, task.entity_id, appointment_candidate(task))
    if reason is None:
        return None
    return Markup(render_template("roster/_candidate_refused.html", reason=reason))
