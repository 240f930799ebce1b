"""The "Gesprek over de werking" (R18): bpmn/working_conversation.bpmn, started by the evaluation for a confidant with
no registered dossier three years in a row, at most once per confidant and year (WorkingConversation).

The workflow carries ids, the year and the due moment. The PAPSY's notes are a sealed text (the PAPSY, the confidant,
the recovery key), kept by the form's data keeper: they never reach the workflow, the task data or a mail.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import model_texts
from app.auth import policy
from app.clock import now
from app.crypto import sealed_texts
from app.dossiers import audit
from app.dossiers.audit import Action
from app.engine import registry, runner
from app.engine.errors import InvalidData
from app.engine.services import ServiceContext, service
from app.mail.outbox import current_settings, locale_of, queue_mail
from app.mail.render import format_due, one_line
from app.models import (
    Confidant,
    Entity,
    Role,
    SealedText,
    Task,
    TaskState,
    User,
    UserRole,
    WorkingConversation,
    papsy_assignment,
)
from app.models.dossiers import ReaderKind
from app.training.services import add_months
from app.workflow.keepers import data_keeper

MODEL = "working_conversation"
FORM = "working_conversation"
TASK = "hold_conversation"
PURPOSE = "working_conversation"
MONTHS_TO_HOLD = 3
OUTCOMES = ("continues", "needs_support", "considers_stopping", "other")
MAIL = "working_conversation"


def start_for(session: Session, confidant: Confidant, year: int) -> WorkingConversation | None:
    """Start the conversation of ``confidant`` for the evaluation of ``year``; None when it exists already."""
    if session.scalar(select(WorkingConversation.id).where(WorkingConversation.confidant_id == confidant.id,
                                                           WorkingConversation.year == year)) is not None:
        return None
    conversation = WorkingConversation(confidant_id=confidant.id, entity_id=confidant.entity_id, year=year)
    session.add(conversation)
    session.flush()
    instance = runner.start(session, registry.current_version(session, MODEL), confidant.entity_id, None,
                            subject=confidant.name, data={
                                "conversation_id": conversation.id, "confidant_id": confidant.id,
                                "confidant_user_id": confidant.user_id, "year": year},
                            created=lambda started: setattr(conversation, "instance_id", started.id))
    conversation.instance_id = instance.id
    return conversation


def plan(moment: datetime) -> dict[str, str]:
    """The PAPSY has three months; the reminder goes at the end of the last day (Brussels), as ISO UTC."""
    zone = ZoneInfo(current_settings().display_timezone)
    due_on = add_months(moment.astimezone(zone).date(), MONTHS_TO_HOLD)
    due_at = datetime.combine(due_on, time(23, 59, 59), zone).astimezone(timezone.utc)
    return {"due_at": due_at.isoformat(), "due_date": format_due(due_on, current_settings().display_timezone)}


@service("evaluation.plan_conversation")
def plan_service(context: ServiceContext, params: dict, data: dict) -> dict[str, str]:
    return plan(now())


@service("evaluation.tell_confidant")
def tell_confidant(context: ServiceContext, params: dict, data: dict) -> bool:
    """A mail to the confidant: the PAPSY will contact them. No figures, no reason beyond the evaluation."""
    user = context.session.get(User, data["confidant_user_id"]) if data.get("confidant_user_id") else None
    if user is None or not user.active:
        return False
    entity = context.session.get(Entity, context.entity_id)
    queue_mail(context.session, user.email, MAIL, MAIL, {"entity": one_line(entity.name), "year": data["year"]},
               instance_id=context.instance_id, locale=locale_of(user))
    return True


@service("evaluation.remind_papsy")
def remind_papsy(context: ServiceContext, params: dict, data: dict) -> int:
    """The conversation is late: a reminder to each active PAPSY of the entity who may still hold it."""
    session = context.session
    task = session.scalar(select(Task).where(Task.instance_id == context.instance_id, Task.spec_name == TASK,
                                             Task.state == TaskState.READY))
    if task is None:
        return 0
    entity = session.get(Entity, context.entity_id)
    told = 0
    for user in session.scalars(select(User).where(User.id.in_(papsy_ids(session, context.entity_id)),
                                                   User.active.is_(True)).order_by(User.id)):
        if not policy.may_be_told_of_task(user, task):
            continue
        locale = locale_of(user)
        translate = model_texts.for_version(task.instance.model_version, locale)
        queue_mail(session, user.email, "reminder", "reminder", {
            "what": one_line(translate(task.title)),
            "process": one_line(translate(task.instance.model_version.model.name)),
            "due_date": format_due(task.due_at or data["plan"]["due_at"], current_settings().display_timezone, locale),
            "entity": one_line(entity.name), "task_id": task.id}, instance_id=context.instance_id, locale=locale)
        told += 1
    return told


@service("evaluation.conversation_held")
def conversation_held(context: ServiceContext, params: dict, data: dict) -> str | None:
    conversation = context.session.get(WorkingConversation, data["conversation_id"])
    return conversation.held_on.isoformat() if conversation and conversation.held_on else None


@data_keeper(FORM)
def keep_conversation(session: Session, papsy: User, task: Task, data: dict) -> dict:
    """The date and the outcome are recorded in clear; the notes are sealed for the PAPSY and the confidant."""
    conversation = session.scalar(select(WorkingConversation).where(WorkingConversation.instance_id == task.instance_id))
    if conversation is None:
        raise InvalidData({"": str(_l("Dit gesprek bestaat niet meer."))})
    held_on = date.fromisoformat(data["held_on"])
    if held_on > now().astimezone(ZoneInfo(current_settings().display_timezone)).date():
        raise InvalidData({"held_on": str(_l("Het gesprek kan niet in de toekomst liggen: geef de dag waarop het "
                                             "plaatsvond."))})
    notes = (data.get("notes") or "").strip()
    if notes:
        seal_notes(session, papsy, conversation, notes)
    conversation.held_on, conversation.outcome, conversation.papsy_id = held_on, data["outcome"], papsy.id
    return {"held_on": held_on.isoformat(), "outcome": data["outcome"], "notes_written": bool(notes)}


def seal_notes(session: Session, papsy: User, conversation: WorkingConversation, notes: str) -> None:
    confidant = session.get(Confidant, conversation.confidant_id)
    owner = confidant.user_id if confidant and confidant.user_id else papsy.id
    readers, missing = sealed_texts.readers_for(session, owner, [papsy.id] if owner != papsy.id else [])
    if papsy.id in missing:
        raise InvalidData({"notes": str(_l("U hebt nog geen sleutel om notities te versleutelen; meld u opnieuw aan."))})
    existing = session.get(SealedText, conversation.notes_id) if conversation.notes_id else None
    sealed = sealed_texts.seal(session, PURPOSE, notes, readers, into=existing)
    conversation.notes_id = sealed.id
    audit.record(session, papsy.id, None, f"{Action.WRITE_CONVERSATION_NOTES} {conversation.id}")


@dataclass(frozen=True)
class ConversationView:
    id: int
    confidant: str
    entity: str
    year: int
    held_on: date | None
    outcome: str | None
    notes: str | None  # opened for this reader; None when there are none or the key cannot open them
    sealed: bool  # notes exist that this reader cannot open here


def view_for(session: Session, reader: User, conversation_id: int, private: bytes | None) -> ConversationView | None:
    """The conversation as ``reader`` may see it (None: not theirs to see); opening the notes is audited."""
    conversation = session.get(WorkingConversation, conversation_id)
    if conversation is None or not policy.can_see_working_conversation(session, reader, conversation):
        return None
    confidant = session.get(Confidant, conversation.confidant_id)
    notes, sealed = None, False
    if conversation.notes_id is not None:
        kind = ReaderKind.OWNER.value if confidant.user_id == reader.id else ReaderKind.PAPSY.value
        if private is not None and sealed_texts.can_open(session, conversation.notes_id, kind, reader.id):
            notes = sealed_texts.open_text(session, conversation.notes_id, kind, reader.id, private)
            audit.record(session, reader.id, None, f"{Action.READ_CONVERSATION_NOTES} {conversation.id}")
        sealed = notes is None
    return ConversationView(conversation.id, confidant.name, session.get(Entity, conversation.entity_id).name,
                            conversation.year, conversation.held_on, conversation.outcome, notes, sealed)


def papsy_ids(session: Session, entity_id: int) -> list[int]:
    return list(session.scalars(select(UserRole.user_id).join(
        papsy_assignment, papsy_assignment.c.user_id == UserRole.user_id).where(
        UserRole.role == Role.PAPSY.value, papsy_assignment.c.entity_id == entity_id)))
