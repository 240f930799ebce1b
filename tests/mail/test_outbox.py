"""The outbox: held without SMTP; with SMTP a job sends it after the commit, once, retrying and recording failures."""
from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import select

from app.db import db
from app.mail import queue_mail
from app.mail.outbox import MAX_ATTEMPTS, RETRY_INTERVALS
from app.models import MailStatus, OutboxMessage
from tests.mail.conftest import Collector, start_server, use_smtp
from workers import connection
from workers.mail_jobs import requeue_stale_mail, send_mail

pytestmark = pytest.mark.redis
TO = "luc.vandenbroeck@gdpb.vlaanderen.example"
REMINDER = {"what": "Basisopleiding afronden", "due_date": "31-12-2026", "process": "Basisopleiding",
            "entity": "Departement Omgeving", "task_id": 17}


def queued_jobs() -> list:
    return connection.queue().get_jobs()


def reread(message_id: int) -> OutboxMessage:
    db.session.remove()
    return db.session().get(OutboxMessage, message_id)


def run_worker_once() -> None:
    q = connection.queue()
    SimpleWorker([q], connection=q.connection, serializer=JSONSerializer).work(burst=True)


def header(message, name: str) -> str:
    return str(make_header(decode_header(message[name])))


def text_of(message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def test_without_smtp_the_mail_is_held_and_nothing_is_sent(app, session, smtp_server, redis_client):
    message = queue_mail(session, TO, "reminder", "reminder", REMINDER)
    session.commit()
    assert reread(message.id).status == MailStatus.HELD
    assert queued_jobs() == [] and smtp_server.handler.messages == []
    held = reread(message.id)
    assert held.subject == "Herinnering: Basisopleiding afronden (uiterlijk 31-12-2026)"
    assert "http://127.0.0.1:5000/tasks/17" in held.body and held.attempts == 0 and held.sent_at is None


def test_with_smtp_a_worker_delivers_the_mail_after_the_commit(smtp_app, session, smtp_server, redis_client):
    message = queue_mail(session, TO, "reminder", "reminder", REMINDER, instance_id=None)
    assert message.status == MailStatus.QUEUED and queued_jobs() == [], "nothing leaves before the commit"
    session.commit()
    [job] = queued_jobs()
    assert job.id == f"vertrouwd-test-mail-{message.id}" and job.retries_left == 3 and job.retry_intervals == RETRY_INTERVALS
    run_worker_once()
    [received] = smtp_server.handler.messages
    assert received["To"] == TO and received["X-RcptTo"] == TO
    assert header(received, "Subject") == "Herinnering: Basisopleiding afronden (uiterlijk 31-12-2026)"
    assert received["From"] == "Vertrouwd <no-reply@vertrouwd.vlaanderen.example>"
    body = text_of(received)
    assert "Wat:       Basisopleiding afronden" in body and "Uiterlijk: 31-12-2026" in body
    assert "http://127.0.0.1:5000/tasks/17" in body
    sent = reread(message.id)
    assert (sent.status, sent.attempts, sent.last_error) == (MailStatus.SENT, 1, None) and sent.sent_at is not None


def test_a_rolled_back_mail_is_neither_kept_nor_sent(smtp_app, session, smtp_server, redis_client):
    queue_mail(session, TO, "reminder", "reminder", REMINDER)
    session.rollback()
    session.commit()
    assert queued_jobs() == [] and session.scalars(select(OutboxMessage)).all() == []


def test_sending_twice_sends_once(smtp_app, session, smtp_server, redis_client):
    message = queue_mail(session, TO, "reminder", "reminder", REMINDER)
    session.commit()
    assert send_mail(message.id) == "sent"
    assert send_mail(message.id) == "nothing to do"
    assert len(smtp_server.handler.messages) == 1 and reread(message.id).attempts == 1


def test_a_refusing_server_is_retried_then_the_mail_is_failed(app, session, refusing_smtp_server, redis_client):
    use_smtp(app, refusing_smtp_server)
    message = queue_mail(session, TO, "reminder", "reminder", REMINDER)
    session.commit()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(Exception, match="mailbox unavailable"):
            send_mail(message.id)
        row = reread(message.id)
        assert row.attempts == attempt and "550" in row.last_error and "mailbox unavailable" in row.last_error
        assert row.status == (MailStatus.FAILED if attempt == MAX_ATTEMPTS else MailStatus.QUEUED)
    assert send_mail(message.id) == "nothing to do" and reread(message.id).attempts == MAX_ATTEMPTS


def test_an_unreachable_server_is_recorded(app, session, redis_client):
    server = start_server(Collector())
    use_smtp(app, server)
    server.stop()
    message = queue_mail(session, TO, "reminder", "reminder", REMINDER)
    session.commit()
    with pytest.raises(OSError):
        send_mail(message.id)
    row = reread(message.id)
    assert (row.status, row.attempts) == (MailStatus.QUEUED, 1) and row.last_error.startswith("ConnectionRefusedError")


def test_a_failed_job_is_scheduled_for_retry_by_rq(app, session, refusing_smtp_server, redis_client):
    use_smtp(app, refusing_smtp_server)
    message = queue_mail(session, TO, "reminder", "reminder", REMINDER)
    session.commit()
    run_worker_once()
    row = reread(message.id)
    assert (row.status, row.attempts) == (MailStatus.QUEUED, 1)
    scheduled = ScheduledJobRegistry(queue=connection.queue())
    assert scheduled.get_job_ids() == [f"vertrouwd-test-mail-{message.id}"], "RQ retries it after 10 s"


def test_a_queued_mail_whose_job_was_lost_is_requeued(smtp_app, session, smtp_server, redis_client):
    message = queue_mail(session, TO, "reminder", "reminder", REMINDER)
    session.commit()
    message_id = message.id
    redis_client.flushdb()  # the job is lost
    assert requeue_stale_mail() == 0, "not yet stale"
    row = reread(message_id)
    row.created_at -= timedelta(minutes=16)
    db.session.commit()
    assert requeue_stale_mail() == 1
    run_worker_once()
    assert len(smtp_server.handler.messages) == 1 and reread(message_id).status == MailStatus.SENT
