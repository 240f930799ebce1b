"""Handing one outbox message to the SMTP server of the settings (smtplib, STARTTLS and login when set)."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from app.config import Settings
from app.models import OutboxMessage

TIMEOUT_SECONDS = 10


def deliver(settings: Settings, message: OutboxMessage) -> None:
    """Send ``message``; raises what smtplib raises (refused, unreachable, timed out)."""
    if not settings.smtp_host:
        raise RuntimeError("SMTP_HOST is not set in this process")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(as_email(settings, message))


def as_email(settings: Settings, message: OutboxMessage) -> EmailMessage:
    """The outbox row as a plain-text (UTF-8) e-mail, with its attachment when it has one."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "vertrouwd.invalid"
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    email.set_content(message.body)
    if message.attachment_body is not None:
        attach(email, message.attachment_name or "bijlage.txt", message.attachment_type or "text/plain",
               message.attachment_body)
    return email


def attach(email: EmailMessage, name: str, content_type: str, body: str) -> None:
    """A text attachment: ``content_type`` is "maintype/subtype" with optional parameters ("; method=REQUEST"),
    which travel in the part's Content-Type (a calendar invitation needs its method there too)."""
    kind, *parameters = (part.strip() for part in content_type.split(";"))
    subtype = kind.partition("/")[2] or "plain"
    params = dict(parameter.partition("=")[::2] for parameter in parameters if "=" in parameter)
    email.add_attachment(body, subtype=subtype, filename=name, params=params)
