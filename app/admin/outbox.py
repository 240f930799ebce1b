"""Admin pages for the outbox: every notification mail, sent or held (no SMTP configured). Of a mail about a
confidential process the pages show only that it exists and how its delivery went; a setup link never shows."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from app.admin.routes import bp
from app.auth import policy
from app.auth.setup_links import forget_link
from app.db import session
from app.mail.outbox import about_confidential_processes, recent_messages
from app.models import OutboxMessage

PAGE_SIZE = 200


@bp.get("/outbox")
def outbox():
    messages = recent_messages(session(), PAGE_SIZE)
    return render_template("admin/outbox.html", messages=messages, limit=PAGE_SIZE,
                           readable=_readable(messages))


@bp.get("/outbox/<id:message_id>")
def outbox_message(message_id: int):
    message = session().get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    readable = message.id in _readable([message])
    return render_template("admin/outbox_message.html", message=message, readable=readable,
                           body=forget_link(message.body) if readable else None)


def _readable(messages: list[OutboxMessage]) -> set[int]:
    confidential = about_confidential_processes(session(), messages)
    return {message.id for message in messages
            if policy.can_read_mail_text(current_user, message.id in confidential, message.to_address)}
