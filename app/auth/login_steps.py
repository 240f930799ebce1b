"""The steps of a login kept in the server-side session: password checked, second factor pending, logged in.

After the password the private key is opened (or, the first time, made) and kept in the session's sealed
data (app/auth/web_sessions); only after the second factor is the user logged in. Every step gives the
session a new token, so a token seen before a step is worth nothing after it.
"""
from __future__ import annotations

from datetime import timedelta

from flask import g, session
from flask_login import current_user, login_user

from app.auth import second_factor
from app.clock import now
from app.crypto import user_keys
from app.crypto.keys import WrongPassword
from app.db import session as db_session
from app.models import User

PENDING_USER, PENDING_KEY, PENDING_SINCE, PENDING_SECRET = "pending_user", "pending_key", "pending_since", "pending_totp"
HELD_KEY = "held_key"
PENDING_FOR = timedelta(minutes=5)


def password_accepted(user: User, password: str) -> None:
    """Start a login: open the user's key pair and hold it for this session. A key pair is made only when the
    user chooses their own password (app/auth/own_password), never here: this password may be a temporary one."""
    database = db_session()
    try:
        private = user_keys.unlock(database, user, password)
    except WrongPassword:  # sealed under another password than the account's: keep the key closed
        private = None
    new_session()
    session[PENDING_USER], session[PENDING_KEY], session[PENDING_SINCE] = user.id, private, now().timestamp()


def own_password_chosen(user: User, private: bytes) -> None:
    """A login step: the user chose their own password and has a new key pair; hold it as password_accepted does."""
    new_session()
    session[PENDING_USER], session[PENDING_KEY], session[PENDING_SINCE] = user.id, private, now().timestamp()


def pending_user() -> User | None:
    """The user who gave a password in this session in the last few minutes, still awaiting the code."""
    user_id, since = session.get(PENDING_USER), session.get(PENDING_SINCE)
    if user_id is None or since is None or now().timestamp() - since > PENDING_FOR.total_seconds():
        return None
    user = db_session().get(User, user_id)
    return user if user is not None and user.active else None


def needs_enrolment(user: User) -> bool:
    return second_factor.required_for(user) and user.totp_secret is None


def finish(user: User) -> None:
    """The second factor (if required) was given: log in, keep the private key for this session."""
    private = session.get(PENDING_KEY)
    locale = session.get("lang")
    new_session()
    if locale:
        session["lang"] = locale
    session[HELD_KEY] = private
    login_user(user)


def new_session() -> None:
    """A fresh session with a new token; the CSRF token cached for this request belonged to the old one."""
    session.clear()
    session.rotate()
    g.pop("csrf_token", None)


def continue_in_new_session() -> None:
    """After the user's sessions were ended (a password change here): this one goes on under a new token."""
    session.rotate(keep_age=True)
    g.pop("csrf_token", None)


def log_out() -> None:
    """End every session of the user, on every device: a cookie copied before logout opens nothing after it."""
    from app.auth import web_sessions

    if current_user.is_authenticated:
        web_sessions.end_all_for(db_session(), current_user.id)
    new_session()  # what is said after logout ("U bent afgemeld") goes into a fresh, anonymous session


def private_key() -> bytes | None:
    """The logged-in user's private key for this request, or None (no key held in this session)."""
    if not current_user.is_authenticated:
        return None
    return session.get(HELD_KEY)
