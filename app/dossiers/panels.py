"""The delicate case's task screens: the confidant writing the summary sees why the case is delicate; the PAPSY who
may act on "Delicate zaak opnemen" sees whom to consult and reads the summary there (opened with the PAPSY's own
key, audited), and after completing it, the consultation they recorded."""
from __future__ import annotations

from flask import render_template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import login_steps, policy
from app.crypto.keys import CryptoError
from app.dossiers import consultation, escalation, summary_sharing
from app.dossiers.summary_sharing import SummaryState
from app.models import Task, User
from app.models.dossiers import Dossier, FactKind, ReaderKind
from app.workflow import services as workflow_services
from app.workflow.panels import task_panel


@task_panel(escalation.PROCESS)
def delicate_case(session: Session, user: User, task: Task) -> Markup | None:
    dossier = session.scalar(select(Dossier).where(Dossier.escalation_instance_id == task.instance_id))
    if dossier is None:
        return None
    reasons = dossier.values(FactKind.DELICATE_REASON)
    if task.spec_name == "write_summary":
        if not policy.can_open_dossier(user, dossier.confidant_id):
            return None
        return Markup(render_template("dossiers/_summary_task.html", dossier=dossier, reasons=reasons))
    may_read = policy.can_complete(user, task) if task.state == "ready" else task.completed_by_id == user.id
    if task.spec_name != "take_up" or not may_read:
        return None
    return Markup(render_template("dossiers/_summary_panel.html", reasons=reasons, task=task,
                                  confidant=session.get(User, dossier.confidant_id),
                                  **_summary_for(session, user, task, dossier),
                                  **_consultation_for(session, user, task, dossier)))


def _summary_for(session: Session, user: User, task: Task, dossier: Dossier) -> dict:
    """The summary opened with the PAPSY's key, or how it stands (on its way, to take up, no key)."""
    state = summary_sharing.state_for(session, user, task)
    private = login_steps.private_key()
    try:
        readable = private is not None and state is SummaryState.READABLE
        summary = escalation.read_summary(session, user, dossier.id, private) if readable else None
    except CryptoError:
        summary = None
    return {"summary": summary, "has_key": private is not None, "state": state.value}


def _consultation_for(session: Session, user: User, task: Task, dossier: Dossier) -> dict:
    """On the take-up the PAPSY completed: what they recorded, opened with their key."""
    if task.state != "completed":
        return {"consultation": None, "consultation_form": None}
    return {"consultation": consultation.read(session, user, dossier.id, login_steps.private_key(), ReaderKind.PAPSY),
            "consultation_form": workflow_services.form_of(task.instance.model_version, task.form_name)}


@task_panel("key_recovery")
def recovery_decision(session: Session, user: User, task: Task) -> Markup | None:
    if task.spec_name != "approve_recovery" or task.state != "ready" or not policy.can_complete(user, task):
        return None
    return Markup(render_template("dossiers/_recovery_panel.html", task=task,
                                  same_person=task.instance.started_by_id == user.id))
