"""The attendance certificate of an IDEWE session (R12.2), the service tasks of bpmn/intervision_external.bpmn.

One instance per approved registration, in the confidant's entity (its PAPSY lane reaches the entity's PAPSY); its
data holds only ids, the session's end and, after a rejection, the PAPSY's reason. When the session is over the
confidant uploads the certificate; a PAPSY approves it (the half day counts, see ``counting``) or rejects it with a
reason (a mail, and the confidant uploads again)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import dispatch
from app.engine import registry, runner
from app.engine.services import ServiceContext, service
from app.models import (CertificateStatus, EventParticipant, InstanceStatus, NetworkEvent, ParticipantStatus,
                        ProcessInstance, Timer, TimerState, User)

MODEL_KEY = "intervision_external"


def start(session: Session, participant: EventParticipant, actor: User) -> ProcessInstance:
    version = registry.current_version(session, MODEL_KEY)
    confidant = participant.confidant
    return runner.start(session, version, confidant.entity_id, actor, subject=confidant.name, data={
        "participant_id": participant.id, "confidant_user_id": confidant.user_id,
        "session_ends_at": participant.event.ends_at.isoformat(),
    })


def follow_session_end(session: Session, event: NetworkEvent) -> None:
    """The session's end moved: each approved registration's certificate process waits for the new end (its upload
    task would otherwise open at the old one)."""
    waiting = session.execute(
        select(Timer, ProcessInstance).join(ProcessInstance, ProcessInstance.id == Timer.instance_id)
        .join(EventParticipant, EventParticipant.instance_id == ProcessInstance.id)
        .where(EventParticipant.event_id == event.id, EventParticipant.status == ParticipantStatus.APPROVED,
               ProcessInstance.status == InstanceStatus.RUNNING, Timer.state == TimerState.PENDING)).all()
    for timer, instance in waiting:
        if timer.due_at != event.ends_at:
            runner.move_timer(session, instance, timer.spiff_task_id, timer.due_at, event.ends_at)
            timer.due_at = event.ends_at
    moved = [(timer.id, event.ends_at) for timer, _instance in waiting]
    if moved:
        session.flush()
        dispatch.on_commit(session, lambda port: port.timers_changed(moved, []))


@service("intervision.certificate_status")
def certificate_status(context: ServiceContext, params: dict, data: dict) -> str:
    """Set the registration's certificate status (``params['status']``: awaited, pending, approved, rejected).
    A process started without a registration (a scenario test) has none to set."""
    status = CertificateStatus(params["status"])
    if data.get("participant_id") is None:
        return status.value
    participant = context.session.get(EventParticipant, data["participant_id"])
    if participant is None:
        raise LookupError("no such registration")
    participant.certificate_status = status
    participant.certificate_reason = (str(data.get("rejection_reason") or "")[:500] or None
                                      if status == CertificateStatus.REJECTED else None)
    return status.value
