"""RQ jobs for the outbox: put a message's send job on the queue, send one message by id, requeue messages whose
job was lost.

The row is the truth: a message that is not QUEUED (already sent, held, failed) is left alone, so
running a job twice never sends a mail twice.
"""
from __future__ import annotations

import logging

from rq import Retry

from app.auth import setup_links
from app.clock import now
from app.db import db
from app.mail.outbox import MAX_ATTEMPTS, RETRY_INTERVALS, current_settings, stale_queued_ids
from app.mail.smtp import deliver
from app.models import MailStatus, OutboxMessage
from workers.connection import queue

log = logging.getLogger(__name__)


def enqueue_send(message_id: int) -> None:
    """Put the send job for one outbox row on RQ, with retries (deterministic job id per row)."""
    q = queue()
    q.enqueue(send_mail, message_id, job_id=f"{q.name}-mail-{message_id}",
              retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS))


def send_mail(message_id: int) -> str:
    """Send a QUEUED message; on failure record it and re-raise so RQ retries (FAILED after the last try)."""
    session = db.session()
    try:
        message = session.get(OutboxMessage, message_id, with_for_update=True)
        if message is None or message.status != MailStatus.QUEUED:
            session.rollback()
            return "nothing to do"
        message.attempts += 1
        try:
            deliver(current_settings(), message)
        except Exception as exc:
            _record_failure(message, exc)
            session.commit()
            raise
        message.status, message.sent_at, message.last_error = MailStatus.SENT, now(), None
        _forget_secrets(message)
        session.commit()
        log.info("mail %s sent", message_id)
        return "sent"
    except Exception:
        session.rollback()
        raise
    finally:
        db.session.remove()


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    # The SMTP answer names the error (and at most the recipient's address), never the mail's text.
    message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MailStatus.FAILED
        _forget_secrets(message)
    log.warning("mail %s: attempt %d failed (%s)", message.id, message.attempts, type(exc).__name__)


def _forget_secrets(message: OutboxMessage) -> None:
    """A setup link is kept only as a hash: the row forgets it once the mail is out of our hands."""
    if message.kind == setup_links.MAIL_KIND:
        message.body = setup_links.forget_link(message.body)


def requeue_stale_mail() -> int:
    """Enqueue the send job again for QUEUED messages whose job was lost (for the reconciler)."""
    session = db.session()
    try:
        ids = stale_queued_ids(session)
        session.rollback()
    finally:
        db.session.remove()
    for message_id in ids:
        enqueue_send(message_id)
    return len(ids)
