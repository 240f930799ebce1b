"""Roster rules: putting an appointed confidant on the list, listing who is active."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app.auth import policy
from app.auth.accounts import ensure_user, entity_by_code, find_user
from app.engine import runner
from app.engine.errors import InvalidData, NotAllowed
from app.engine.services import ServiceContext, service
from app.models import Confidant, ConfidantStatus, Entity, Role, Task, TaskState, User
from app.workflow.checks import form_check

log = logging.getLogger(__name__)


@form_check("appointment_request")
def check_candidate(session: Session, entity_id: int, data: dict) -> dict[str, str]:
    """The candidate may be appointed in this entity (see ``candidate_refusal``)."""
    email = str(data.get("candidate_email", ""))
    if len(email.strip().lower()) > 254:  # lowercasing can lengthen some letters (İ)
        return {"candidate_email": _l("Dit e-mailadres is te lang.")}
    refusal = candidate_refusal(session, entity_id, email)
    return {"candidate_email": refusal} if refusal else {}


def candidate_refusal(session: Session, entity_id: int, email: str, instance_id: int | None = None) -> str | None:
    """Why the candidate with ``email`` may not be appointed confidant of ``entity_id``, or None; ``instance_id``
    is the appointment being decided (a confidant it activated meanwhile, in a race, is no reason to refuse).

    Separation of duties: an existing account is appointed only when it is (or was) a confidant of this very
    entity and nothing else (R10 re-appointment); an admin, an account of another entity or without one (a
    PAPSY), or one with another role here (the employer's side) is refused. R1: a confidant serves their own
    entity; and an active confidant is not appointed twice.
    """
    account = find_user(session, email)
    if account is None:
        return None
    if account.has_role(Role.ADMIN):
        return str(_l("Dit e-mailadres hoort bij een beheerder van het platform. Een beheerder kan geen "
                      "vertrouwenspersoon zijn: die taken blijven gescheiden."))
    if account.entity_id is None:
        return str(_l("Dit e-mailadres hoort bij een bestaand account dat bij geen entiteit hoort (zoals dat van "
                      "een PAPSY). Zo'n account kan geen vertrouwenspersoon van een entiteit worden."))
    if account.entity_id != entity_id:
        return str(_l("Dit e-mailadres hoort bij een account van een andere entiteit. Een vertrouwenspersoon "
                      "werkt enkel voor de eigen entiteit."))
    if account.roles != {Role.CONFIDANT}:
        return str(_l("Dit e-mailadres hoort bij een account met een andere rol in deze entiteit (zoals "
                      "EOC-secretaris). Die taken blijven gescheiden: kies een andere kandidaat."))
    if _already_active(session, account.id, instance_id):
        return str(_l("Deze persoon staat al als actieve vertrouwenspersoon op de lijst."))
    return None


def _already_active(session: Session, user_id: int, instance_id: int | None) -> bool:
    query = select(Confidant.id).where(Confidant.user_id == user_id, Confidant.status == ConfidantStatus.ACTIVE)
    if instance_id is not None:
        query = query.where(Confidant.appointment_instance_id.is_distinct_from(instance_id))
    return session.scalar(query.limit(1)) is not None


@form_check("appointment_review", with_instance=True)
def check_approval(session: Session, entity_id: int, data: dict, instance_id: int | None) -> dict[str, str]:
    """Approving checks the candidate again: an account may have changed since the EOC secretary submitted."""
    review = session.scalar(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY,
                                               Task.spec_name == "review_appointment"))
    if data.get("decision") != "approve" or review is None:
        return {}
    refusal = candidate_refusal(session, entity_id, appointment_candidate(review), instance_id)
    return {"decision": _cannot_approve(refusal)} if refusal else {}


def appointment_candidate(task: Task) -> str:
    """The candidate's e-mail address in the data of an appointment's task."""
    return str(runner.task_view(task).data.get("candidate_email", ""))


def _cannot_approve(refusal: str) -> str:
    return str(_l("Deze aanstelling kan niet goedgekeurd worden: %(reason)s Stuur ze terug naar de EOC-secretaris.",
                  reason=refusal))


@service("roster.activate")
def activate_confidant(context: ServiceContext, params: dict, data: dict) -> int:
    """Appointment approved (R10): the candidate becomes an active confidant of the entity, with an account.

    Checked once more here, where the account is used: the approval's check ran in this same transaction."""
    email = data["candidate_email"].strip().lower()
    refusal = candidate_refusal(context.session, context.entity_id, email, context.instance_id)
    if refusal is not None:
        raise InvalidData({"": _cannot_approve(refusal)})
    user = ensure_user(context.session, email, name=data["candidate_name"], roles=[Role.CONFIDANT],
                       entity_id=context.entity_id)
    confidant = context.session.scalar(select(Confidant).where(Confidant.user_id == user.id))
    if confidant is None:
        confidant = Confidant(user_id=user.id, entity_id=context.entity_id)
        context.session.add(confidant)
    confidant.name = data["candidate_name"]
    confidant.email = email
    confidant.function = data.get("function")
    confidant.entity_id = context.entity_id
    confidant.status = ConfidantStatus.ACTIVE
    confidant.appointed_on = date.fromisoformat(data["eoc_decision_date"])
    confidant.eoc_reference = data.get("eoc_reference")
    confidant.appointment_instance_id = context.instance_id
    context.session.flush()
    log.info("instance %s: confidant %s activated", context.instance_id, confidant.id)
    return confidant.id


@dataclass(frozen=True)
class Roster:
    """The confidants a user asked for: ``status`` is one status or None for all the user may list (``statuses``);
    ``entity`` the one entity asked for, or None."""

    confidants: list[Confidant]
    status: str | None
    entity: Entity | None
    statuses: list[str]


ALL = "all"  # the status filter's choice for every status: inactive and former ones too (R15)


def visible_roster(session: Session, user: User, status: str | None, entity_code: str | None) -> Roster:
    """The roster as ``user`` may see it (R14: the active confidants are published; R15: the full list is the
    GDPB's), of one status, or "all" statuses (None: every status the user may list), and one entity (None or
    "": every entity). An unknown status or entity is refused, and so is a status the user may not list ("all"
    asks for the inactive and former ones too): never silently ignored."""
    allowed = policy.roster_statuses_for(user)
    if status is not None and status != ALL and status not in ConfidantStatus._value2member_map_:
        raise InvalidData({"status": _l("Onbekende status. Kies actief, tijdelijk inactief of voormalig.")})
    if status is not None and (status not in allowed if status != ALL else len(allowed) < len(ConfidantStatus)):
        raise NotAllowed(_l("Alleen de GDPB ziet ook de tijdelijk inactieve en voormalige vertrouwenspersonen."))
    status = None if status == ALL else status
    entity = entity_by_code(session, entity_code) if entity_code else None
    if entity_code and entity is None:
        raise InvalidData({"entity": _l("Onbekende entiteit.")})
    confidants = roster(session, [status] if status else allowed, entity.id if entity else None)
    return Roster(confidants, status, entity, allowed)


def entity_choices(session: Session) -> list[Entity]:
    """Every entity by name, for the roster's filter."""
    return list(session.scalars(select(Entity).order_by(Entity.name)))


def roster(session: Session, statuses: list[str], entity_id: int | None = None) -> list[Confidant]:
    """Confidants of the given statuses by entity and name, optionally of one entity."""
    query = (select(Confidant).options(contains_eager(Confidant.entity)).join(Entity)
             .where(Confidant.status.in_(statuses)).order_by(Entity.name, Confidant.name))
    if entity_id is not None:
        query = query.where(Confidant.entity_id == entity_id)
    return list(session.scalars(query))
