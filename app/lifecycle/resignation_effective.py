"""The effective date of a role ending (R19), run by the resignation process's timer: nothing here decrypts.

The confidant goes off the published list and stays on the list of all appointed as former, with the end date; the
confidant role leaves the account (an account with no role left is deactivated, its sessions end); their open tasks
are offered to the entity's PAPSY; their intervision membership ends; and every key wrapped for them is deleted, so
that they read nothing any more (a closed dossier opens only through the two-person recovery). What is still open
under their name becomes the PAPSY's follow-up task, by count: its numbers are shown on that task's page, never put
in the workflow data. Running it twice changes nothing.
"""
from __future__ import annotations

import logging

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.auth.accounts import deactivate
from app.clock import now
from app.dossiers import audit, sharing
from app.dossiers.audit import Action
from app.engine import runner
from app.engine.services import ServiceContext, service
from app.incidents import sharing as incident_sharing
from app.intervision import groups
from app.lifecycle import resignation
from app.lifecycle.resignation_mail import papsy_of
from app.lifecycle.resignation_steps import ending_of
from app.models import ConfidantStatus, Role, Task, TaskState, User
from app.models.dossiers import (
    Consultation,
    ConsultationKey,
    Dossier,
    DossierKey,
    EscalationSummary,
    ReaderKind,
    SummaryKey,
)
from app.models.lifecycle import DossierShare, EndingState, RoleEnding, ShareKind

log = logging.getLogger(__name__)
THEIR_READERS = (ReaderKind.OWNER.value, ReaderKind.STAND_IN.value)


@service("resignation.end_role")
def end_role(context: ServiceContext, params: dict, data: dict) -> dict[str, int]:
    """The effective date's work for the process's role ending; how many dossiers were left open."""
    ending = ending_of(context.session, context.instance_id)
    if ending is None:
        raise LookupError("no role ending for this process")
    return {"open_left": make_effective(context.session, ending, context.instance_id)}


def make_effective(session: Session, ending: RoleEnding, instance_id: int | None = None) -> int:
    """End the role; returns the number of dossiers still open under the former confidant's name. Once done (or
    withdrawn meanwhile) it only counts."""
    confidant = ending.confidant
    if ending.state != EndingState.OPEN:
        return len(resignation.open_dossier_ids(session, confidant.user_id)) \
            if ending.state == EndingState.EFFECTIVE else 0
    confidant.status, confidant.ended_on = ConfidantStatus.FORMER, ending.effective_on
    groups.leave_on_role_end(session, confidant)
    incident_sharing.cancel_for_role_end(session, confidant)  # before the open tasks go to the PAPSY
    user = session.get(User, confidant.user_id) if confidant.user_id is not None else None
    if user is not None:
        offer_tasks_to_papsy(session, user, confidant.entity_id, instance_id)
        drop_keys(session, user.id)
        _remove_role(session, user)
    ending.state, ending.ended_at = EndingState.EFFECTIVE, now()
    session.flush()
    left = len(resignation.open_dossier_ids(session, confidant.user_id))
    log.info("role ending %s effective, %s dossier(s) left open", ending.id, left)
    return left


def offer_tasks_to_papsy(session: Session, user: User, entity_id: int, except_instance: int | None) -> int:
    """The former confidant's open tasks (a certificate to upload, a summary to write) are offered to the PAPSY of
    the entity, who decides what becomes of them; each move is in its instance's history."""
    tasks = session.scalars(select(Task).where(
        Task.assignee_id == user.id, Task.state == TaskState.READY, Task.lane == Role.CONFIDANT.value,
        Task.instance_id.is_distinct_from(except_instance))).all()
    names = ", ".join(person.name for person in papsy_of(session, entity_id))[:500] or None
    for task in tasks:
        session.execute(update(Task).where(Task.id == task.id, Task.state == TaskState.READY).values(
            lane=Role.PAPSY.value, assignee_id=None, claimed_at=None, notified_at=None),
            execution_options={"synchronize_session": False})
        runner.record(session, task.instance, "assigned", task.title, None, detail=names)
    return len(tasks)


def drop_keys(session: Session, user_id: int) -> set[int]:
    """Delete every wrap of a dossier key, summary key or consultation key made for ``user_id`` (as keeper or stand-in);
    an audit entry per dossier. The recovery key's wraps stay. Returns the dossiers concerned."""
    for share in session.scalars(select(DossierShare).where(
            DossierShare.kind == ShareKind.STAND_IN, DossierShare.ended_at.is_(None),
            (DossierShare.to_user_id == user_id)
            | DossierShare.dossier_id.in_(select(Dossier.id).where(Dossier.confidant_id == user_id)))).all():
        sharing.end_stand_in(session, share)  # their wraps go, with the share's end and its audit entry
    dossiers = set(session.scalars(select(DossierKey.dossier_id).where(
        DossierKey.reader.in_(THEIR_READERS), DossierKey.reader_id == user_id)))
    dossiers |= set(session.scalars(select(EscalationSummary.dossier_id).join(
        SummaryKey, SummaryKey.summary_id == EscalationSummary.id).where(
        SummaryKey.reader.in_(THEIR_READERS), SummaryKey.reader_id == user_id)))
    dossiers |= set(session.scalars(select(Consultation.dossier_id).join(
        ConsultationKey, ConsultationKey.consultation_id == Consultation.id).where(
        ConsultationKey.reader.in_(THEIR_READERS), ConsultationKey.reader_id == user_id)))
    for model in (DossierKey, SummaryKey, ConsultationKey):
        session.execute(delete(model).where(model.reader.in_(THEIR_READERS), model.reader_id == user_id),
                        execution_options={"synchronize_session": False})
    for dossier_id in sorted(dossiers):
        audit.record(session, None, dossier_id, Action.DROP_KEYS)
    return dossiers


def _remove_role(session: Session, user: User) -> None:
    """The confidant role leaves the account; with no role left the account can no longer log in."""
    user.role_rows = [row for row in user.role_rows if row.role != Role.CONFIDANT.value]
    session.flush()
    if not user.role_rows:
        deactivate(session, user)
