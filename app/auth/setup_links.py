"""One-time setup links: choose one's own password without a temporary one (valid 72 h, single use).

The token is shown once (printed by the CLI, shown to the admin, mailed when SMTP is configured); only its SHA-256
is stored (the outbox row of the mail forgets the link once it went out). A new link replaces the user's earlier
unused ones.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.accounts import AccountError
from app.auth.own_password import choose_own_password
from app.clock import now
from app.models import SetupLink, User

VALID_FOR = timedelta(hours=72)
MAIL_KIND = "setup_link"
_LINK = re.compile(r"/setup/[A-Za-z0-9_-]+")


def issue(session: Session, user: User) -> str:
    """A new link token for ``user``; earlier unused links stop working."""
    moment = now()
    session.execute(update(SetupLink).where(SetupLink.user_id == user.id, SetupLink.used_at.is_(None))
                    .values(expires_at=moment))
    token = secrets.token_urlsafe(32)
    session.add(SetupLink(user_id=user.id, token_hash=_digest(token), created_at=moment,
                          expires_at=moment + VALID_FOR))
    session.flush()
    return token


def url_for_token(public_url: str, token: str) -> str:
    return f"{public_url}/setup/{token}"


def valid_link(session: Session, token: str) -> SetupLink | None:
    """The unused, unexpired link of ``token`` for an active user, else None (the same for every reason)."""
    if not token or len(token) > 100:
        return None
    link = session.scalar(select(SetupLink).where(SetupLink.token_hash == _digest(token)))
    if link is None or link.used_at is not None or link.expires_at <= now() or not link.user.active:
        return None
    return link


def use(session: Session, link: SetupLink, new: str, repeat: str) -> tuple[User, bytes]:
    """The user of ``link`` chooses their own password and gets a new key pair (the user and its private key);
    the link is spent."""
    spent = session.execute(update(SetupLink).where(SetupLink.id == link.id, SetupLink.used_at.is_(None))
                            .values(used_at=now()), execution_options={"synchronize_session": False})
    if spent.rowcount != 1:  # two tabs (or two people) at the same moment: one link, one password
        raise AccountError(_l("Deze link werd intussen al gebruikt. Vraag de beheerder een nieuwe link."))
    session.expire(link, ["used_at"])
    return link.user, choose_own_password(session, link.user, new, repeat)


def mail(session: Session, user: User, token: str) -> bool:
    """Mail the link when SMTP is configured (through the outbox); True when it was queued."""
    from app.mail.outbox import current_settings, locale_of, queue_mail

    settings = current_settings()
    if not settings.smtp_host:
        return False
    queue_mail(session, user.email, MAIL_KIND, "setup_link",
               {"name": user.name, "link": url_for_token(settings.public_url, token), "hours": 72},
               locale=locale_of(user))
    return True


def forget_link(body: str) -> str:
    """The mail's text without the link, for the outbox row once the mail went out (or finally failed)."""
    return _LINK.sub("/setup/(verwijderd)", body)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
