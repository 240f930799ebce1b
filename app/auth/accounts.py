"""User accounts and API tokens: create, find, authenticate."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.passwords import hash_password, verify_password
from app.clock import now
from app.forms.validation import is_clean_text
from app.models import ApiToken, Entity, Role, User, UserRole

MIN_PASSWORD_LENGTH = 12
DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS = 90, 366  # API_TOKEN_DAYS sets the default


class AccountError(ValueError):
    """A refused account operation, with a message for the user or operator."""


def find_user(session: Session, email: str) -> User | None:
    if not is_clean_text(email):  # such an address exists nowhere, and the database would refuse it
        return None
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def entity_by_code(session: Session, code: str | None) -> Entity | None:
    if not code or not is_clean_text(code):
        return None
    return session.scalar(select(Entity).where(Entity.code == code))


def ensure_user(session: Session, email: str, name: str, roles: list[Role], entity_id: int | None = None,
                password: str | None = None) -> User:
    """The user with ``email``: created with ``roles`` when new; an existing one only when it already holds
    ``roles`` (in ``entity_id``, if given). ``password`` only sets a first one.

    Roles are never added to an existing account here: one account gathering duties that must stay apart
    (an admin who is also a confidant) is how separation of duties is lost.

    :raise AccountError: when the existing account lacks one of ``roles`` or belongs to another entity.
    """
    user = find_user(session, email)
    if user is None:
        user = User(email=email.strip().lower(), name=name.strip(), entity_id=entity_id, created_at=now())
        user.role_rows = [UserRole(role=Role(role).value) for role in dict.fromkeys(roles)]
        session.add(user)
    elif not set(roles) <= user.roles or (entity_id is not None and user.entity_id != entity_id):
        raise AccountError(_l("Er bestaat al een account voor %(email)s, met andere rollen of een andere "
                              "entiteit. Aan een bestaand account worden geen rollen toegevoegd.", email=user.email))
    session.flush()
    if password is not None and user.password_hash is None:
        set_first_password(session, user, password)
    return user


def set_first_password(session: Session, user: User, password: str) -> None:
    """The user's own first password, and with it the key pair (the demo's fixed passwords; an admin gives a
    temporary password instead: app/auth/own_password)."""
    from app.crypto import user_keys

    set_password(user, password)
    user_keys.create_for(session, user, password)


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("Een wachtwoord heeft minstens %(count)d tekens.", count=MIN_PASSWORD_LENGTH))
    user.password_hash = hash_password(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (same cost either way)."""
    user = find_user(session, email or "")
    valid = verify_password(user.password_hash if user else None, password or "")
    return user if valid and user is not None and user.active else None


RESETS = ("password", "setup_link", "second_factor")


def note_reset_by(session: Session, user: User, admin: User, what: str) -> None:
    """``admin`` reset ``user``'s password, setup link or second factor (``what``): that admin may not approve the
    recovery of the user's dossiers (app/dossiers/recovery_process.py), so one admin alone cannot take an account
    over; and the user is told by mail, so that a reset they did not ask for does not go unnoticed."""
    from app.mail.outbox import current_settings, locale_of, queue_mail
    from app.mail.render import format_due

    if what not in RESETS:
        raise ValueError(f"unknown reset {what!r}")
    user.account_reset_by_id = admin.id
    queue_mail(session, user.email, "account_reset", "account_reset",
               {"name": user.name, "admin": admin.name, "what": what,
                "at": format_due(now(), current_settings().display_timezone, locale_of(user))}, locale=locale_of(user))


def deactivate(session: Session, user: User) -> None:
    """The account can no longer log in; every session of it ends at once, and the tasks it took go back to
    their lanes."""
    from app.auth import web_sessions
    from app.workflow.claims import release_all_claimed_by

    user.active = False
    web_sessions.end_all_for(session, user.id)
    release_all_claimed_by(session, user)


def assign_papsy(session: Session, user: User, entity: Entity) -> None:
    if entity not in user.papsy_entities:
        user.papsy_entities.append(entity)
    session.flush()


def create_api_token(session: Session, user: User, days: int = DEFAULT_TOKEN_DAYS) -> str:
    """A new bearer token for ``user``, valid ``days`` days; only its hash is kept, so it is shown once."""
    if not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        raise AccountError(_l("Een API-token is 1 tot %(max)d dagen geldig.", max=MAX_TOKEN_DAYS))
    token = "vt_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token), created_at=now(),
                         expires_at=now() + timedelta(days=days)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user of a token that is neither revoked nor expired, else None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked.is_(False),
                                                ApiToken.expires_at > now()))
    if row is None or not row.user.active:
        return None
    row.last_used_at = now()
    return row.user


def api_tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_api_token(session: Session, token_id: int) -> ApiToken:
    """Revoke the token with ``token_id`` (revoking twice changes nothing)."""
    row = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if row is None:
        raise AccountError(_l("Er is geen API-token met nummer %(id)d.", id=token_id))
    row.revoked = True
    session.flush()
    return row


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def change_password(session: Session, user: User, current: str, new: str, repeat: str) -> None:
    """The user's own change: the key pair stays, its private key is sealed again under the new password. Every
    session of the user ends; the caller gives the session the change was made in a new token."""
    from app.auth import web_sessions
    from app.crypto import user_keys
    from app.crypto.keys import WrongPassword

    if not verify_password(user.password_hash, current):
        raise AccountError(_l("Het huidige wachtwoord is niet juist."))
    if new != repeat:
        raise AccountError(_l("De twee nieuwe wachtwoorden zijn niet gelijk."))
    set_password(user, new)
    try:
        user_keys.reseal(session, user, current, new)
    except WrongPassword:  # the key was already sealed under another password: a new pair, as on a reset
        user_keys.create_for(session, user, new)
        user.keys_reset_at = now()
    web_sessions.end_all_for(session, user.id)


def reset_password(session: Session, user: User, new: str) -> None:
    """An admin's reset: a temporary password, the key pair deleted (dossiers sealed for it need the recovery
    procedure), every session loses its key; the user's new pair comes when they choose their own password."""
    from app.auth.own_password import set_temporary_password

    set_temporary_password(session, user, new, new)


def admin_set_password(session: Session, user: User, new: str, repeat: str) -> bool:
    """An admin gives ``user`` a temporary password (the user chooses their own at the next login). Returns True
    for a reset of a user who had a key pair: dossiers sealed for it need the recovery procedure."""
    from app.auth.own_password import set_temporary_password

    return set_temporary_password(session, user, new, repeat)
