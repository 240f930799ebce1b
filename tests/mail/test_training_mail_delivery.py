"""The training deadline's mails (R11) reach a real SMTP server: a reminder at six months and a certificate
rejection with its reason, delivered by the worker's job after the commit."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import fire_due
from tests.mail.test_outbox import header, run_worker_once, text_of
from tests.process.test_training_deadline import (  # noqa: F401 - fixtures
    CANDIDATE,
    REMINDER_6M,
    appointed,
    clock,
    review,
    upload,
)

pytestmark = pytest.mark.redis


def subject(message) -> str:
    """The subject as a mail client shows it: a long one arrives folded (RFC 5322 unfolding, then trimmed)."""
    return header(message, "Subject").replace("\r\n", "").strip()


def received_by(smtp_server, address: str, subject_start: str) -> list:
    return [message for message in smtp_server.handler.messages
            if message["To"] == address and subject(message).startswith(subject_start)]


def test_r11_the_six_month_reminder_reaches_the_smtp_server(smtp_app, session, smtp_server, redis_client, appointed,
                                                            clock):
    run_worker_once()  # what the appointment itself sent (new tasks)
    fire_due(session, clock, REMINDER_6M + timedelta(seconds=1))
    run_worker_once()
    [reminder] = received_by(smtp_server, CANDIDATE, "Herinnering:")
    assert subject(reminder) == "Herinnering: Attest basisopleiding opladen (uiterlijk 15 okt. 2028 23:59)"
    assert "Vertrouwd" in text_of(reminder)


def test_r11_the_certificate_rejection_reaches_the_smtp_server_with_its_reason(smtp_app, session, smtp_server,
                                                                               redis_client, appointed):
    upload(session)
    review(session, "reject", "Het attest is onleesbaar")
    run_worker_once()
    [rejection] = received_by(smtp_server, CANDIDATE, "Uw attest werd niet goedgekeurd")
    assert "Het attest is onleesbaar" in text_of(rejection)
