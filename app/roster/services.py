"""Roster rules: putting an appointed confidant on the list, listing who is active."""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import ensure_user
from app.engine.services import ServiceContext, service
from app.models import Confidant, ConfidantStatus, Entity, Role

log = logging.getLogger(__name__)


@service("roster.activate")
def activate_confidant(context: ServiceContext, params: dict, data: dict) -> int:
    """Appointment approved (R10): the candidate becomes an active confidant of the entity, with an account."""
    email = data["candidate_email"].strip().lower()
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


def roster(session: Session, status: ConfidantStatus | None = None, entity_id: int | None = None) -> list[Confidant]:
    """Confidants by entity and name, optionally of one status and one entity."""
    query = select(Confidant).join(Entity).order_by(Entity.name, Confidant.name)
    if status is not None:
        query = query.where(Confidant.status == status)
    if entity_id is not None:
        query = query.where(Confidant.entity_id == entity_id)
    return list(session.scalars(query))
