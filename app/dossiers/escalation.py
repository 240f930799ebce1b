"""Delicate cases (R9): the decision table says whether a dossier is delicate; then bpmn/delicate_case.bpmn
involves the PAPSY. The workflow carries the dossier's number and the reasons only; the summary for the PAPSY
is sealed under a key of its own, wrapped for the confidant, the entity's PAPSY and the recovery key; a PAPSY who
takes up a late case gets it from the confidant's key later (app/dossiers/summary_sharing.py). The service tasks
here write no confidential text anywhere."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import policy
from app.clock import now
from app.crypto import contexts, keys, recovery, user_keys
from app.dossiers import audit
from app.dossiers.audit import Action
from app.engine import decisions, registry, runner
from app.engine.errors import InvalidData
from app.engine.services import ServiceContext, service
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due
from app.models import Entity, ProcessInstance, Role, Task, TaskState, User, UserRole, papsy_assignment
from app.models.dossiers import (
    Dossier,
    DossierFact,
    EscalationState,
    EscalationSummary,
    FactKind,
    SummaryKey,
    SummaryShare,
)
from app.workdays import add_working_days
from app.workflow.keepers import data_keeper

PROCESS, DECISION = "delicate_case", "delicate_case_decision"
WORKING_DAYS, OPEN_TO_ALL_AFTER = 2, 3  # R9: the PAPSY within 2 working days; a day later every PAPSY


class EscalationRefused(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def reasons_for(session: Session, themes: list[str], persons: list[str]) -> list[str]:
    """Why the dossier is delicate (empty: it is not), as the deployed decision table says."""
    result = decisions.decide(session, PROCESS, DECISION, {"themes": list(themes), "persons": list(persons)})
    return sorted(set(result.get("reasons", [])))


def escalate_if_delicate(session: Session, dossier: Dossier, confidant: User) -> list[str]:
    """After a save: a dossier that is (or became) delicate gets its escalation, once. Returns the reasons."""
    reasons = reasons_for(session, dossier.values(FactKind.THEME), dossier.values(FactKind.PERSON))
    if not reasons:
        return []
    dossier.delicate = True
    known = set(dossier.values(FactKind.DELICATE_REASON))
    dossier.facts.extend(DossierFact(kind=FactKind.DELICATE_REASON, value=reason)
                         for reason in reasons if reason not in known)
    if dossier.escalation_instance_id is None:
        version = registry.current_version(session, PROCESS)
        instance = runner.start(session, version, dossier.entity_id, None, subject=f"Dossier {dossier.id}", data={
            "dossier_id": dossier.id, "confidant_user_id": confidant.id, "reasons": reasons})
        dossier.escalation_instance_id, dossier.escalation_state = instance.id, EscalationState.SUMMARY_PENDING
    return reasons


def write_summary(session: Session, confidant: User, dossier: Dossier, text: str) -> None:
    """The summary from the dossier page: it completes the confidant's task (whose keeper seals it), or, once the
    PAPSY has the case, is sealed anew in its place."""
    task = session.scalar(select(Task).where(Task.instance_id == dossier.escalation_instance_id,
                                             Task.spec_name == "write_summary", Task.state == TaskState.READY))
    if task is None:
        seal_summary(session, confidant, dossier, text)
        return
    from app.workflow import services as workflow

    workflow.complete_task(session, confidant, task.id, {"summary": text})


@data_keeper("delicate_summary")
def keep_summary(session: Session, user: User, task: Task, data: dict) -> dict:
    """The summary task's text is sealed for its readers; the workflow hears only that it was written."""
    dossier = session.scalar(select(Dossier).where(Dossier.escalation_instance_id == task.instance_id))
    if dossier is None or not policy.can_open_dossier(user, dossier.confidant_id):
        raise InvalidData({"summary": str(_l("Alleen de vertrouwenspersoon van dit dossier schrijft de samenvatting."))})
    try:
        seal_summary(session, user, dossier, data["summary"])
    except EscalationRefused as exc:
        raise InvalidData({"summary": str(exc.message)}) from exc
    return {"summary_written": True}


def seal_summary(session: Session, confidant: User, dossier: Dossier, text: str) -> None:
    """Seal the summary under a new key, wrapped for each of its readers; audited."""
    if dossier.escalation_state not in (EscalationState.SUMMARY_PENDING, EscalationState.WITH_PAPSY):
        raise EscalationRefused(_l("Voor dit dossier wordt geen samenvatting gevraagd."))
    summary = session.scalar(select(EscalationSummary).where(EscalationSummary.dossier_id == dossier.id))
    if summary is None:
        summary = EscalationSummary(dossier_id=dossier.id, body_sealed=b"")
        session.add(summary)
        session.flush()
    readers = _summary_readers(session, confidant, dossier.entity_id, summary.id)
    data_key = keys.new_data_key()
    summary.body_sealed = keys.encrypt(data_key, text, contexts.summary_text(dossier.id))
    summary.written_at = now()
    session.query(SummaryKey).filter(SummaryKey.summary_id == summary.id).delete()
    session.add_all(SummaryKey(summary_id=summary.id, reader=kind, reader_id=reader_id,
                               wrapped=keys.wrap_key(public, data_key,
                                                     contexts.summary_key_for(summary.id, kind, reader_id)))
                    for kind, reader_id, public in readers)
    audit.record(session, confidant.id, dossier.id, Action.WRITE_SUMMARY)
    shared = session.execute(update(SummaryShare).where(SummaryShare.summary_id == summary.id,
                                                         SummaryShare.shared_at.is_(None)).values(shared_at=now()),
                             execution_options={"synchronize_session": False}).rowcount
    if shared:  # a PAPSY who took the case up was waiting: the new text was sealed for them too
        audit.record(session, confidant.id, dossier.id, Action.SHARE_SUMMARY)


def read_summary(session: Session, reader: User, dossier_id: int, private: bytes, kind: str = "papsy") -> str | None:
    """The summary, opened with ``reader``'s key (the caller checked the policy); None when there is none."""
    summary = session.scalar(select(EscalationSummary).where(EscalationSummary.dossier_id == dossier_id))
    if summary is None:
        return None
    row = session.get(SummaryKey, (summary.id, kind, reader.id))
    if row is None:
        return None
    data_key = keys.unwrap_key(private, row.wrapped, contexts.summary_key_for(summary.id, kind, reader.id))
    audit.record(session, reader.id, dossier_id, Action.READ_SUMMARY)
    return keys.decrypt(data_key, summary.body_sealed, contexts.summary_text(dossier_id))


@service("escalation.plan")
def plan(context: ServiceContext, params: dict, data: dict) -> dict:
    """The PAPSY's 2 working days, and the moment the task goes to every PAPSY; the dossier waits for them."""
    zone_name = current_settings().display_timezone
    zone = ZoneInfo(zone_name)
    due, open_at = add_working_days(now(), WORKING_DAYS, zone), add_working_days(now(), OPEN_TO_ALL_AFTER, zone)
    _set_state(context.session, data, EscalationState.WITH_PAPSY)
    return {"due_at": due.isoformat(), "open_at": open_at.isoformat(), "due_date": format_due(due, zone_name)}


@service("escalation.consulted")
def consulted(context: ServiceContext, params: dict, data: dict) -> None:
    _set_state(context.session, data, EscalationState.CONSULTED)


@service("escalation.notify_papsy")
def notify_papsy(context: ServiceContext, params: dict, data: dict) -> int:
    """Mail the entity's PAPSY (the task is late) or the other PAPSY (it is theirs now too); no dossier content."""
    session, who = context.session, params.get("who")
    entity_papsy = set(_papsy_ids(session, context.entity_id))
    recipients = entity_papsy if who == "entity" else set(_papsy_ids(session, None)) - entity_papsy
    instance = session.get(ProcessInstance, context.instance_id)
    task = session.scalar(select(Task).where(Task.instance_id == instance.id, Task.spec_name == "take_up",
                                             Task.state == TaskState.READY))
    due = task.due_at if task and task.due_at else data["escalation"]["due_at"]  # the task's, unless it is gone
    fields = {"entity": session.get(Entity, context.entity_id).name,
              "task_id": task.id if task else None, "instance_id": instance.id}
    for user in session.scalars(select(User).where(User.id.in_(recipients), User.active.is_(True))):
        if task is None or not policy.may_be_told_of_task(user, task):
            continue  # taken up meanwhile by someone else, or done: the rest hear nothing of this case
        locale = locale_of(user)
        queue_mail(session, user.email, "delicate_reminder" if who == "entity" else "delicate_offered",
                   "delicate_reminder" if who == "entity" else "delicate_offered",
                   {**fields, "what": model_texts.task_title(task, locale),
                    "due_date": format_due(due, current_settings().display_timezone, locale)},
                   instance_id=instance.id, locale=locale)
    return len(recipients)


def _set_state(session: Session, data: dict, state: EscalationState) -> None:
    dossier = session.get(Dossier, data["dossier_id"])
    dossier.escalation_state = state


def _papsy_ids(session: Session, entity_id: int | None) -> list[int]:
    query = select(UserRole.user_id).where(UserRole.role == Role.PAPSY.value)
    if entity_id is not None:
        query = query.join(papsy_assignment, papsy_assignment.c.user_id == UserRole.user_id).where(
            papsy_assignment.c.entity_id == entity_id)
    return list(session.scalars(query))


def _summary_readers(session: Session, confidant: User, entity_id: int,
                     summary_id: int) -> list[tuple[str, int, bytes]]:
    """(kind, id, public key) of who may read the summary: the confidant, the entity's PAPSY, a PAPSY who took the
    case up, the recovery key. Refused without an entity PAPSY's key."""
    recovery_key = recovery.current(session)
    readers = [("owner", confidant.id, user_keys.public_key(session, confidant.id))]
    entity_papsy = [(user_id, user_keys.public_key(session, user_id)) for user_id in _papsy_ids(session, entity_id)]
    if not any(public for _user_id, public in entity_papsy):
        raise EscalationRefused(_l("De PAPSY van uw entiteit heeft nog geen sleutel (nog niet aangemeld). "
                                   "Neem contact op met de GDPB."))
    taken_up = session.scalars(select(SummaryShare.papsy_id).where(SummaryShare.summary_id == summary_id))
    papsy_ids = dict.fromkeys([user_id for user_id, _public in entity_papsy] + list(taken_up))
    readers += [("papsy", user_id, public) for user_id in papsy_ids
                if (public := user_keys.public_key(session, user_id))]
    if recovery_key is not None:
        readers.append(("recovery", recovery_key.id, recovery_key.public_key))
    return readers
