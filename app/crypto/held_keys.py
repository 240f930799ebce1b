"""Private keys held for a logged-in session, split in two halves that open nothing alone.

At login the private key is sealed under a fresh random key; the sealed key goes to the database
(``unlocked_key``), the random key only into the session cookie (signed, HttpOnly). A stolen cookie
without the database, or the database without the cookie, opens nothing; logging out or an idle timeout
deletes the row, after which the cookie's half is worthless.
"""
from __future__ import annotations

import base64
import binascii
import secrets
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.clock import now
from app.models.keys import UnlockedKey

NONCE_BYTES = 12


def hold(session: Session, user_id: int, private: bytes, idle: timedelta) -> str:
    """Keep ``private`` for this session; returns the cookie's half ("<row id>.<key>")."""
    row_id, key = secrets.token_hex(16), AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, private, _place(row_id, user_id))
    session.add(UnlockedKey(id=row_id, user_id=user_id, sealed_private=sealed, expires_at=now() + idle))
    session.flush()
    return f"{row_id}.{base64.urlsafe_b64encode(key).decode()}"


def open_held(session: Session, cookie_half: str | None, user_id: int, idle: timedelta) -> bytes | None:
    """The session's private key, or None when it is gone (logged out, timed out, another user's)."""
    parsed = _parse(cookie_half)
    if parsed is None:
        return None
    row_id, key = parsed
    row = session.get(UnlockedKey, row_id)
    moment = now()
    if row is None or row.user_id != user_id or row.expires_at <= moment:
        return None
    try:
        private = AESGCM(key).decrypt(row.sealed_private[:NONCE_BYTES], row.sealed_private[NONCE_BYTES:],
                                      _place(row_id, user_id))
    except InvalidTag:
        return None
    if row.expires_at - moment < idle / 2:  # sliding expiry, written at most twice per idle period
        row.expires_at = moment + idle
    return private


def drop(session: Session, cookie_half: str | None) -> None:
    parsed = _parse(cookie_half)
    if parsed is not None:
        session.execute(delete(UnlockedKey).where(UnlockedKey.id == parsed[0]))


def drop_all_for(session: Session, user_id: int) -> None:
    """Every session of the user loses its key (a password reset, a deactivated account)."""
    session.execute(delete(UnlockedKey).where(UnlockedKey.user_id == user_id))


def purge_expired(session: Session) -> int:
    return session.execute(delete(UnlockedKey).where(UnlockedKey.expires_at <= now())).rowcount


def _place(row_id: str, user_id: int) -> bytes:
    return f"held-key/{row_id}/{user_id}".encode()


def _parse(cookie_half: str | None) -> tuple[str, bytes] | None:
    if not cookie_half or "." not in cookie_half:
        return None
    row_id, _, encoded = cookie_half.partition(".")
    try:
        key = base64.urlsafe_b64decode(encoded.encode())
    except (binascii.Error, ValueError):
        return None
    if len(row_id) != 32 or len(key) != 32:
        return None
    return row_id, key
