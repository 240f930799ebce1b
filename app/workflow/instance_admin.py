"""The admin's suspend, resume and terminate of an instance, for the instance page and the API (the rules of each:
app/engine/lifecycle.py). Of a confidential instance an admin sees only its status, and acts on that alone."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth import policy
from app.engine import lifecycle
from app.engine.errors import NotAllowed
from app.models import ProcessInstance, User


def suspend(session: Session, user: User, instance_id: int) -> ProcessInstance:
    _require(user)
    return lifecycle.suspend(session, instance_id, user)


def resume(session: Session, user: User, instance_id: int) -> ProcessInstance:
    _require(user)
    return lifecycle.resume(session, instance_id, user)


def terminate(session: Session, user: User, instance_id: int, reason: object) -> ProcessInstance:
    _require(user)
    return lifecycle.terminate(session, instance_id, user, reason)


def _require(user: User) -> None:
    if not policy.can_administer_instances(user):
        raise NotAllowed(_l("Alleen een beheerder kan een proces opschorten, hervatten of beëindigen."))
