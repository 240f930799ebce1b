"""Roster rules: putting an appointed confidant on the list, listing who is active."""
from __future__ import annotations

import logging
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import ensure_user, find_user
from app.engine.services import ServiceContext, service
from app.models import Confidant, ConfidantStatus, Entity, Role
from app.workflow.checks import form_check

log = logging.getLogger(__name__)


@form_check("appointment_request")
def check_candidate(session: Session, entity_id: int, data: dict) -> dict[str, str]:
    """R1: a confidant serves their own entity, so the candidate's account (if any) must belong to it;
    and an active confidant is not appointed twice."""
    email = str(data.get("candidate_email", ""))
    if len(email.strip().lower()) > 254:  # lowercasing can lengthen some letters (İ)
        return {"candidate_email": _l("Dit e-mailadres is te lang.")}
    account = find_user(session, email)
    if account is None:
        return {}
    if account.entity_id not in (None, entity_id):
        return {"candidate_email": _l("Dit e-mailadres hoort bij een account van een andere entiteit. Een "
                                      "vertrouwenspersoon werkt enkel voor de eigen entiteit.")}
    active = session.scalar(select(Confidant.id).where(Confidant.user_id == account.id,
                                                       Confidant.status == ConfidantStatus.ACTIVE))
    if active is not None:
        return {"candidate_email": _l("Deze persoon staat al als actieve vertrouwenspersoon op de lijst.")}
    return {}


@service("roster.activate")
def activate_confidant(context: ServiceContext, params: dict, data: dict) -> int:
    """Appointment approved (R10): the candidate becomes an active confidant of the entity, with an account."""
    email = data["candidate_email"].strip().lower()
    existing = find_user(context.session, email)
    if existing is not None and existing.entity_id not in (None, context.entity_id):
        raise ValueError("the candidate's account belongs to another entity")  # checked at submission too
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


def roster(session: Session, statuses: list[str], entity_id: int | None = None) -> list[Confidant]:
    """Confidants of the given statuses by entity and name, optionally of one entity."""
    query = (select(Confidant).join(Entity).where(Confidant.status.in_(statuses))
             .order_by(Entity.name, Confidant.name))
    if entity_id is not None:
        query = query.where(Confidant.entity_id == entity_id)
    return list(session.scalars(query))
