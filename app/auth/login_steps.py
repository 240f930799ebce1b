"""The steps of a login kept in the Flask session: password checked, second factor pending, logged in.

After the password the private key is opened and held at once (app/crypto/held_keys); the cookie's half
waits in the session until the second factor is given, and only then is the user logged in.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, session
from flask_login import current_user, login_user

from app.auth import second_factor
from app.clock import now
from app.crypto import held_keys, user_keys
from app.crypto.keys import WrongPassword
from app.db import session as db_session
from app.models import User

PENDING_USER, PENDING_KEY, PENDING_SINCE, PENDING_SECRET = "pending_user", "pending_key", "pending_since", "pending_totp"
HELD_KEY = "held_key"
PENDING_FOR = timedelta(minutes=5)


def idle() -> timedelta:
    return timedelta(minutes=current_app.extensions["vertrouwd_settings"].session_idle_minutes)


def password_accepted(user: User, password: str) -> None:
    """Start a login: open the user's key pair and hold it for this session. A key pair is made only when the
    user chooses their own password (app/auth/own_password), never here: this password may be a temporary one."""
    database = db_session()
    try:
        private = user_keys.unlock(database, user, password)
    except WrongPassword:  # sealed under another password than the account's: keep the key closed
        private = None
    half = held_keys.hold(database, user.id, private, idle()) if private is not None else None
    _new_session()
    session[PENDING_USER], session[PENDING_KEY], session[PENDING_SINCE] = user.id, half, now().timestamp()


def own_password_chosen(user: User, private: bytes) -> None:
    """A login step: the user chose their own password and has a new key pair; hold it as password_accepted does."""
    half = held_keys.hold(db_session(), user.id, private, idle())
    _new_session()
    session[PENDING_USER], session[PENDING_KEY], session[PENDING_SINCE] = user.id, half, now().timestamp()


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
    """The second factor (if required) was given: log in, keep the held key's cookie half."""
    half = session.get(PENDING_KEY)
    locale = session.get("lang")
    _new_session()
    if locale:
        session["lang"] = locale
    session.permanent = True
    session[HELD_KEY] = half
    login_user(user)


def _new_session() -> None:
    """A fresh session at each login step; the CSRF token cached for this request belonged to the old one."""
    session.clear()
    g.pop("csrf_token", None)


def log_out() -> None:
    held_keys.drop(db_session(), session.get(HELD_KEY))
    session.clear()


def private_key() -> bytes | None:
    """The logged-in user's private key for this request, or None (logged out elsewhere, timed out)."""
    if not current_user.is_authenticated:
        return None
    return held_keys.open_held(db_session(), session.get(HELD_KEY), current_user.id, idle())
