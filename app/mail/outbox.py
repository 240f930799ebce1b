"""The outbox: every mail is a row first; with SMTP configured a job sends it after the commit."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import dispatch
from app.clock import now
from app.config import Settings, process_settings
from app.mail.render import render
from app.models import MailStatus, OutboxMessage

log = logging.getLogger(__name__)

# A failed send is tried again after these many seconds; the row is FAILED after the last attempt.
RETRY_INTERVALS = [10, 60, 300]
MAX_ATTEMPTS = 1 + len(RETRY_INTERVALS)
# A QUEUED row older than this lost its job (Redis flushed, enqueue failed): the reconciler sends it again.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Attachment:
    """A file a mail carries (a calendar invitation): its name, its content type with parameters
    ("text/calendar; method=REQUEST") and its text."""

    name: str
    content_type: str
    body: str


def current_settings() -> Settings:
    """The process's settings (the app factory and the worker configure them)."""
    return process_settings()


def locale_of(user) -> str:
    """The language a user's mail is written in: their choice, else the configured default."""
    return user.locale or current_settings().default_locale


def queue_mail(session: Session, to_address: str, kind: str, template: str, context: dict,
               instance_id: int | None = None, locale: str | None = None,
               attachment: Attachment | None = None) -> OutboxMessage:
    """Render ``template`` with ``context`` into a new outbox row, in the caller's transaction (flush only), in
    ``locale`` (the recipient's ``User.locale``; the configured default language when they chose none).

    Without SMTP_HOST the row is HELD (admins read it in the outbox); with it, QUEUED and handed to the
    dispatcher once the caller commits. ``context`` follows the rule in ``app.mail``: no dossier content, and
    neither does ``attachment`` (one at most: a calendar file of names, dates and places).
    """
    settings = current_settings()
    subject, body = render(template, {**context, "public_url": settings.public_url}, locale or settings.default_locale)
    message = OutboxMessage(to_address=to_address, subject=subject, body=body, kind=kind, instance_id=instance_id,
                            status=MailStatus.QUEUED if settings.smtp_host else MailStatus.HELD, attempts=0,
                            created_at=now())
    if attachment is not None:
        message.attachment_name = attachment.name
        message.attachment_type = attachment.content_type
        message.attachment_body = attachment.body
    session.add(message)
    session.flush()
    if message.status == MailStatus.QUEUED:
        message_id = message.id
        dispatch.on_commit(session, lambda port: port.mail_queued(message_id))
    log.info("mail %s (%s) %s", message.id, kind, message.status)
    return message


def stale_queued_ids(session: Session) -> list[int]:
    """QUEUED rows whose job should long have run: their job was lost."""
    return list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == MailStatus.QUEUED, OutboxMessage.created_at < now() - STALE_AFTER,
    ).order_by(OutboxMessage.id)))


def recent_messages(session: Session, limit: int = 200) -> list[OutboxMessage]:
    """The newest ``limit`` messages, newest first (the admin outbox page)."""
    return list(session.scalars(select(OutboxMessage).order_by(
        OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)))


def about_confidential_processes(session: Session, messages: list[OutboxMessage]) -> set[int]:
    """The ids of those ``messages`` that are about an instance of a confidential process."""
    from app.models import ProcessInstance, ProcessModelVersion, Visibility

    instance_ids = {message.instance_id for message in messages if message.instance_id is not None}
    if not instance_ids:
        return set()
    confidential = set(session.scalars(
        select(ProcessInstance.id).join(ProcessModelVersion, ProcessInstance.model_version_id == ProcessModelVersion.id)
        .where(ProcessInstance.id.in_(instance_ids), ProcessModelVersion.visibility == Visibility.PARTICIPANTS)))
    return {message.id for message in messages if message.instance_id in confidential}
