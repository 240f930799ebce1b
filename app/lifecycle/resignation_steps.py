"""The steps of bpmn/resignation.bpmn that are not the effective date's (resignation_effective.py): the EOC's note
kept on the role ending, the checks of its forms, and what its task screens show besides the form."""
from __future__ import annotations

from datetime import date

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.dossiers.services import today
from app.engine.services import ServiceContext, service
from app.lifecycle import resignation
from app.models import Task, TaskState, User
from app.models.lifecycle import RoleEnding
from app.workflow.checks import form_check
from app.workflow.panels import task_panel


def ending_of(session: Session, instance_id: int | None) -> RoleEnding | None:
    """The role ending a resignation process runs for."""
    if instance_id is None:
        return None
    return session.scalar(select(RoleEnding).where(RoleEnding.instance_id == instance_id))


@service("resignation.record_note")
def record_note(context: ServiceContext, params: dict, data: dict) -> str | None:
    """The EOC took note (R19): its date and reference, kept on the role ending for the list of all appointed."""
    ending = ending_of(context.session, context.instance_id)
    if ending is None:
        return None
    ending.committee_noted_on = date.fromisoformat(data["committee_noted_on"])
    ending.committee_reference = str(data["committee_reference"]).strip()[:100]
    context.session.flush()
    return ending.committee_noted_on.isoformat()


@form_check("role_ending_committee")
def check_note(session: Session, entity_id: int, data: dict) -> dict[str, str]:
    noted_on = data.get("committee_noted_on")
    if noted_on and date.fromisoformat(noted_on) > today():
        return {"committee_noted_on": str(_l("Het EOC kan er niet in de toekomst kennis van genomen hebben."))}
    if not str(data.get("committee_reference", "")).strip():
        return {"committee_reference": str(_l("Geef de referentie van het EOC."))}
    return {}


@form_check("role_ending_settle", with_instance=True)
def check_settled(session: Session, entity_id: int, data: dict, instance_id: int | None) -> dict[str, str]:
    """Done means done: no dossier of the confidant is open any more."""
    ending = ending_of(session, instance_id)
    left = resignation.open_dossier_ids(session, ending.confidant.user_id) if ending else []
    if not left:
        return {}
    return {"settled": str(_l("U hebt nog %(count)d open dossier(s). Sluit ze af of draag ze over; wat op de datum "
                              "van ingang nog open is, gaat naar de PAPSY.", count=len(left)))}


@task_panel(resignation.MODEL)
def dossiers_to_settle(session: Session, user: User, task: Task) -> Markup | None:
    """The confidant's task: how many dossiers are still open, and the page to close or hand them over. The
    PAPSY's follow-up: the numbers of the dossiers left open (no content: nobody can open them now)."""
    if task.state != TaskState.READY or not policy.can_complete(user, task):
        return None
    ending = ending_of(session, task.instance_id)
    if ending is None or task.spec_name not in ("settle_dossiers", "follow_up"):
        return None
    left = resignation.open_dossier_ids(session, ending.confidant.user_id)
    return Markup(render_template("lifecycle/_resignation_panel.html", task=task, ending=ending, left=left))
