"""Temporary passwords: a password an admin set opens only the page where its owner chooses their own.

A key pair is sealed only under a password its owner chose (DESIGN.md). An admin's password (`vertrouwd user add
--password-stdin`, `user set-password`, the reset page) is marked temporary and the user's key pair, if any, is
deleted; the new pair is made when the user chooses their own password (here, or through a setup link). Until
then nothing can be sealed for the user (no public key) and every page but this step redirects to it.
"""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.auth.accounts import AccountError, set_password
from app.auth.passwords import verify_password
from app.clock import now
from app.models import User
from app.models.keys import UserKey

# What a user with a temporary password may still open: this step, the recovery codes shown once after
# enrolment, logging out, the language switch and the static files.
OPEN_ENDPOINTS = frozenset({"auth.choose_password", "auth.recovery_codes", "auth.logout", "auth.set_language",
                            "static"})


def set_temporary_password(session: Session, user: User, new: str, repeat: str) -> bool:
    """An admin gives ``user`` a temporary password; returns True when this deleted the user's key pair (a reset:
    dossiers sealed for it need the recovery procedure). Every session of the user ends."""
    from app.auth import web_sessions

    if new != repeat:
        raise AccountError(_l("De twee wachtwoorden zijn niet gelijk."))
    set_password(user, new)
    user.password_temporary = True
    had_keys = _delete_key_pair(session, user)
    if had_keys:
        user.keys_reset_at = now()
    web_sessions.end_all_for(session, user.id)
    return had_keys


def choose_own_password(session: Session, user: User, new: str, repeat: str) -> bytes:
    """The user's own password, and with it a NEW key pair (any older one is replaced: dossiers sealed for it
    need the recovery procedure); returns the private key. Refuses the temporary password itself."""
    from app.auth import web_sessions
    from app.crypto import user_keys

    if new != repeat:
        raise AccountError(_l("De twee nieuwe wachtwoorden zijn niet gelijk."))
    if user.password_temporary and verify_password(user.password_hash, new):
        raise AccountError(_l("Kies een ander wachtwoord dan het tijdelijke dat u kreeg."))
    set_password(user, new)
    if user_keys.public_key(session, user.id) is not None:
        user.keys_reset_at = now()
        web_sessions.end_all_for(session, user.id)
    user.password_temporary = False
    return user_keys.create_for(session, user, new)


def must_choose(user: User) -> bool:
    """The user logged in with a password an admin set, and has not chosen their own yet."""
    return user.password_temporary


def only_the_choice_page():
    """Before every request: a user logged in with a temporary password sees only the page to choose their own."""
    if request.path.startswith("/api/") or request.endpoint in OPEN_ENDPOINTS:
        return None
    if current_user.is_authenticated and must_choose(current_user):
        return redirect(url_for("auth.choose_password"))
    return None


def _delete_key_pair(session: Session, user: User) -> bool:
    return session.execute(delete(UserKey).where(UserKey.user_id == user.id)).rowcount > 0
