"""Admin pages for the outbox: every notification mail, sent or held (no SMTP configured)."""
from __future__ import annotations

from flask import abort, render_template

from app.admin.routes import bp
from app.db import session
from app.mail.outbox import recent_messages
from app.models import OutboxMessage

PAGE_SIZE = 200


@bp.get("/outbox")
def outbox():
    return render_template("admin/outbox.html", messages=recent_messages(session(), PAGE_SIZE), limit=PAGE_SIZE)


@bp.get("/outbox/<id:message_id>")
def outbox_message(message_id: int):
    message = session().get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return render_template("admin/outbox_message.html", message=message)
