"""Admin pages for the outbox: every notification mail, sent or held (no SMTP configured). Of a mail about a
confidential process the pages show only that it exists and how its delivery went; a setup link never shows."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.admin import services
from app.admin.routes import bp
from app.auth.setup_links import forget_link
from app.db import session

PAGE_SIZE = 200


@bp.get("/outbox")
def outbox():
    messages, readable = services.outbox(session(), current_user, PAGE_SIZE)
    return render_template("admin/outbox.html", messages=messages, limit=PAGE_SIZE, readable=readable)


@bp.get("/outbox/<id:message_id>")
def outbox_message(message_id: int):
    message, readable = services.outbox_message(session(), current_user, message_id)
    return render_template("admin/outbox_message.html", message=message, readable=readable,
                           body=forget_link(message.body) if readable else None)
