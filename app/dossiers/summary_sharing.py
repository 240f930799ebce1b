"""A late delicate case (R9) goes to every PAPSY; the one who takes it up needs the summary. Its key is wrapped
only for the entity's PAPSY when written, so taking it up leaves a pending share, and the confidant's key (held
only in the confidant's own requests) wraps the summary for that PAPSY: at the confidant's next request, or by
the button on the dossier page. Nothing that runs unattended decrypts."""
from __future__ import annotations

from enum import Enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.crypto import contexts, keys, user_keys
from app.crypto.keys import CryptoError
from app.dossiers import audit
from app.dossiers.audit import Action
from app.dossiers.escalation import PROCESS, EscalationRefused
from app.engine.errors import NotAllowed, NotFound
from app.models import Task, TaskState, User
from app.models.dossiers import Dossier, EscalationSummary, ReaderKind, SummaryKey, SummaryShare


OWNER, PAPSY = ReaderKind.OWNER.value, ReaderKind.PAPSY.value


class SummaryState(Enum):
    """What a PAPSY on the take-up task has of the summary."""

    READABLE = "readable"
    ON_ITS_WAY = "on_its_way"  # taken up; the confidant's key has not wrapped it yet
    NOT_TAKEN_UP = "not_taken_up"  # may take the case up to get it
    NONE = "none"


def state_for(session: Session, papsy: User, task: Task) -> SummaryState:
    summary = _summary_of(session, task.instance_id)
    if summary is None:
        return SummaryState.NONE
    if session.get(SummaryKey, (summary.id, PAPSY, papsy.id)) is not None:
        return SummaryState.READABLE
    if session.scalar(select(SummaryShare.id).where(SummaryShare.summary_id == summary.id,
                                                    SummaryShare.papsy_id == papsy.id)) is not None:
        return SummaryState.ON_ITS_WAY
    return SummaryState.NOT_TAKEN_UP if task.state == TaskState.READY else SummaryState.NONE


def take_up(session: Session, papsy: User, task_id: int) -> SummaryState:
    """``papsy`` takes the case up: the task becomes theirs alone, and the summary is to be shared with them."""
    task = session.get(Task, task_id)
    if task is None or task.spec_name != "take_up" or task.instance.model_version.model_key != PROCESS:
        raise NotFound(_l("Deze taak bestaat niet."))
    if not policy.can_complete(papsy, task):
        raise NotAllowed(_l("Deze taak is niet voor u."))
    if task.state != TaskState.READY:
        raise EscalationRefused(_l("Deze zaak werd al opgenomen."))
    summary = _summary_of(session, task.instance_id)
    if summary is None or user_keys.public_key(session, papsy.id) is None:
        raise EscalationRefused(_l("Er is nog geen samenvatting om met u te delen."))
    if not _claim_task(session, task, papsy):  # two PAPSY at the same moment: one gets it
        raise EscalationRefused(_l("Deze zaak werd al opgenomen."))
    state = state_for(session, papsy, task)
    if state is SummaryState.NOT_TAKEN_UP:
        dossier = session.get(Dossier, summary.dossier_id)
        session.add(SummaryShare(summary_id=summary.id, papsy_id=papsy.id, confidant_id=dossier.confidant_id))
        state = SummaryState.ON_ITS_WAY
    session.flush()
    return state


def has_pending(session: Session, confidant_id: int) -> bool:
    """One indexed look-up, cheap enough for every request of a confidant."""
    return session.scalar(select(SummaryShare.id).where(SummaryShare.confidant_id == confidant_id,
                                                        SummaryShare.shared_at.is_(None)).limit(1)) is not None


def share_pending(session: Session, confidant: User, private: bytes, summary_id: int | None = None) -> list[User]:
    """Wrap the summary (every summary, or the one of ``summary_id``) for every PAPSY waiting on ``confidant``;
    returns those it was shared with."""
    shared = []
    query = select(SummaryShare).where(SummaryShare.confidant_id == confidant.id, SummaryShare.shared_at.is_(None))
    if summary_id is not None:
        query = query.where(SummaryShare.summary_id == summary_id)
    for share in session.scalars(query).all():
        data_key = _open_key(session, confidant, private, share.summary_id)
        if data_key is not None and _claim(session, share.id):  # concurrent requests share it only once
            _wrap_for(session, confidant, data_key, share)
            shared.append(session.get(User, share.papsy_id))
    return shared


def _claim_task(session: Session, task: Task, papsy: User) -> bool:
    taken = session.execute(update(Task).where(
        Task.id == task.id, Task.state == TaskState.READY,
        or_(Task.assignee_id.is_(None), Task.assignee_id == papsy.id)).values(assignee_id=papsy.id, claimed_at=None),
        execution_options={"synchronize_session": False})  # taken up for good: not given back or handed over
    session.expire(task, ["assignee_id", "claimed_at"])
    return taken.rowcount == 1


def _claim(session: Session, share_id: int) -> bool:
    done = session.execute(update(SummaryShare).where(SummaryShare.id == share_id, SummaryShare.shared_at.is_(None))
                           .values(shared_at=now()), execution_options={"synchronize_session": False})
    return done.rowcount == 1


def _open_key(session: Session, confidant: User, private: bytes, summary_id: int) -> bytes | None:
    """The summary's data key from the confidant's own row; None when that key pair cannot open it (reset)."""
    own = session.get(SummaryKey, (summary_id, OWNER, confidant.id))
    if own is None:
        return None
    try:
        return keys.unwrap_key(private, own.wrapped, contexts.summary_key_for(summary_id, OWNER, confidant.id))
    except CryptoError:
        return None


def _wrap_for(session: Session, confidant: User, data_key: bytes, share: SummaryShare) -> None:
    """Wrap the summary's key for the PAPSY who took the case up; audited like every confidential write."""
    public = user_keys.public_key(session, share.papsy_id)
    if public is None:
        return
    summary = session.get(EscalationSummary, share.summary_id)
    session.execute(delete(SummaryKey).where(SummaryKey.summary_id == summary.id, SummaryKey.reader == PAPSY,
                                             SummaryKey.reader_id == share.papsy_id))
    session.add(SummaryKey(summary_id=summary.id, reader=PAPSY, reader_id=share.papsy_id,
                           wrapped=keys.wrap_key(public, data_key, contexts.summary_key_for(summary.id, PAPSY, share.papsy_id))))
    audit.record(session, confidant.id, summary.dossier_id, Action.SHARE_SUMMARY)


def _summary_of(session: Session, instance_id: int) -> EscalationSummary | None:
    return session.scalar(select(EscalationSummary).join(Dossier, Dossier.id == EscalationSummary.dossier_id)
                          .where(Dossier.escalation_instance_id == instance_id))
