"""Each user's key pair: made only under a password the user chose (app/auth/own_password; the demo's fixed
passwords), opened at login, re-sealed on a password change, deleted on an admin's reset (the old dossiers then
need the recovery procedure)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.crypto.keys import (
    KdfParams,
    SealedKey,
    WrongPassword,
    new_key_pair,
    open_private_key,
    seal_private_key,
)
from app.models import User
from app.models.keys import UserKey

_params = KdfParams()


def configure(params: KdfParams) -> None:
    """Argon2id cost for sealing private keys (tests use a cheap one)."""
    global _params
    _params = params


def _owner(user_id: int) -> bytes:
    return f"user-key/{user_id}".encode()


def public_key(session: Session, user_id: int) -> bytes | None:
    row = session.get(UserKey, user_id)
    return row.public_key if row else None


def create_for(session: Session, user: User, password: str) -> bytes:
    """A new key pair for ``user`` (replacing any), sealed under ``password``; returns the private key."""
    pair = new_key_pair()
    sealed = seal_private_key(pair.private, password, _params, _owner(user.id))
    row = session.get(UserKey, user.id)
    if row is None:
        row = UserKey(user_id=user.id)
        session.add(row)
    row.public_key, row.sealed_private, row.kdf_params = pair.public, sealed.blob, sealed.params
    session.flush()
    return pair.private


def unlock(session: Session, user: User, password: str) -> bytes | None:
    """The private key, opened with the password just verified; None for a user without keys."""
    row = session.get(UserKey, user.id)
    if row is None:
        return None
    return open_private_key(SealedKey(row.sealed_private, row.kdf_params), password, _owner(user.id))


def reseal(session: Session, user: User, old_password: str, new_password: str) -> None:
    """A password change keeps the key pair: the private key is sealed again under the new password."""
    row = session.get(UserKey, user.id)
    if row is None:
        create_for(session, user, new_password)
        return
    private = open_private_key(SealedKey(row.sealed_private, row.kdf_params), old_password, _owner(user.id))
    sealed = seal_private_key(private, new_password, _params, _owner(user.id))
    row.sealed_private, row.kdf_params = sealed.blob, sealed.params
    session.flush()


__all__ = ["WrongPassword", "configure", "create_for", "public_key", "reseal", "unlock"]
