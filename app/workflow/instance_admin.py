"""The admin's suspend, resume, terminate and migration of an instance, for the instance page and the API (the
rules: app/engine/lifecycle.py, migration.py). Of a confidential instance an admin sees only its status, and acts on that alone."""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.engine import lifecycle, migration
from app.engine.errors import Conflict, InvalidData, NotAllowed
from app.models import ProcessInstance, ProcessModelVersion, Timer, TimerState, User


def suspend(session: Session, user: User, instance_id: int) -> ProcessInstance:
    _require(user)
    return lifecycle.suspend(session, instance_id, user)


def resume(session: Session, user: User, instance_id: int) -> ProcessInstance:
    _require(user)
    return lifecycle.resume(session, instance_id, user)


def terminate(session: Session, user: User, instance_id: int, reason: object) -> ProcessInstance:
    _require(user)
    return lifecycle.terminate(session, instance_id, user, reason)


def migrate(session: Session, user: User, instance_id: int, body: dict) -> migration.MigrationPlan:
    """``body``: {"version": N, "dry_run": true|false} (a dry run unless it says false)."""
    _require(user)
    dry_run = body.get("dry_run", True)
    if not isinstance(dry_run, bool):
        raise InvalidData({"dry_run": str(_l("dry_run is true of false."))})
    sees_steps = _sees_steps(session, user, instance_id)
    try:
        plan = migration.migrate(session, instance_id, user, body.get("version"), dry_run)
    except migration.MigrationRefused:
        if sees_steps:
            raise
        raise Conflict(_l("Dit proces kan niet naar die versie: een afgewerkte stap werd gewijzigd of "
                          "verwijderd.")) from None
    return plan if sees_steps else _without_steps(plan)


def _sees_steps(session: Session, user: User, instance_id: int) -> bool:
    """Which steps a confidential instance went through is its participants' to know, not an admin's."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        return True  # the migration says it does not exist
    participant = session.scalar(select(ProcessInstance.id).where(ProcessInstance.id == instance_id,
                                                                   policy.participates_in(user))) is not None
    return policy.can_view_instance(user, instance, participant)


def _without_steps(plan: migration.MigrationPlan) -> migration.MigrationPlan:
    blockers = [str(_l("een afgewerkte stap werd gewijzigd of verwijderd"))] if plan.blockers else []
    return replace(plan, blockers=blockers, removed=[], changed=[])


def _require(user: User) -> None:
    if not policy.can_administer_instances(user):
        raise NotAllowed(_l("Alleen een beheerder kan een proces opschorten, hervatten of beëindigen."))


@dataclass(frozen=True)
class AdminPanel:
    """What the instance page offers an admin beyond suspend, resume and terminate."""

    versions: list[int]  # the other versions of its process it could move to
    failed_timers: list[int]  # the ids of its failed timers (its incident), to retry


def panel(session: Session, user: User, instance: ProcessInstance) -> AdminPanel | None:
    """None for who is not an admin."""
    if not policy.can_administer_instances(user):
        return None
    versions = session.scalars(select(ProcessModelVersion.version).where(
        ProcessModelVersion.model_key == instance.model_version.model_key,
        ProcessModelVersion.id != instance.model_version_id).order_by(ProcessModelVersion.version))
    failed = session.scalars(select(Timer.id).where(Timer.instance_id == instance.id,
                                                    Timer.state == TimerState.FAILED).order_by(Timer.id))
    return AdminPanel(list(versions), list(failed))
