"""With SMTP configured, a setup link also goes out by mail (through the outbox); without it, nothing is held."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.models import OutboxMessage
from tests.helpers import ADMIN, login, post_form
from tests.mail.test_outbox import run_worker_once, text_of

pytestmark = pytest.mark.redis
NEWCOMER = {"name": "Jana Vermeulen", "email": "jana.vermeulen@omgeving.vlaanderen.example", "role": "confidant",
            "entity": "OMG"}


def test_f2_the_setup_link_reaches_the_new_user_by_mail(smtp_app, store, smtp_server, redis_client):
    admin = smtp_app.test_client()
    login(admin, ADMIN)
    made = post_form(admin, "/admin/users/new", NEWCOMER).get_data(as_text=True)
    assert "ook gemaild naar" in made
    run_worker_once()
    [mail] = [m for m in smtp_server.handler.messages if m["To"] == NEWCOMER["email"]]
    path = re.search(r"https?://\S+?(/setup/\S+)", text_of(mail)).group(1)
    assert path in made, "the mail carries the link the admin saw"
    store.expire_all()
    [row] = store.scalars(select(OutboxMessage).where(OutboxMessage.to_address == NEWCOMER["email"]))
    assert path not in row.body and "/setup/(verwijderd)" in row.body, "only the hash is kept once it is sent"
    assert smtp_app.test_client().get(path).status_code == 200


def test_without_smtp_the_setup_link_is_only_shown_never_kept_in_the_outbox(app, store):
    admin = app.test_client()
    login(admin, ADMIN)
    made = post_form(admin, "/admin/users/new", NEWCOMER).get_data(as_text=True)
    assert "geef de link zelf door" in made
    assert store.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to_address == NEWCOMER["email"])) == 0
