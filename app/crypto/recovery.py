"""The GDPB recovery key pair: the private half is written once to a file kept offline; only the public half
is stored. Every dossier's data key is also wrapped for it, so that a dossier survives a forgotten password
(recovery needs two people and that file, see the recovery process)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import now
from app.crypto.keys import CryptoError, new_key_pair
from app.models.keys import RecoveryKey


class RecoveryKeyError(CryptoError):
    pass


def fingerprint(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()


def current(session: Session) -> RecoveryKey | None:
    return session.scalar(select(RecoveryKey).where(RecoveryKey.retired_at.is_(None))
                          .order_by(RecoveryKey.id.desc()).limit(1))


def init(session: Session, private_key_file: Path, rotate: bool = False) -> RecoveryKey:
    """Make the pair, write the private key to ``private_key_file`` (mode 0600, never overwritten), store
    the public key. Refused while one is active, unless ``rotate`` (new dossiers then use the new one)."""
    active = current(session)
    if active is not None and not rotate:
        raise RecoveryKeyError("Er is al een herstelsleutel (gebruik --rotate om een nieuwe te maken).")
    pair = new_key_pair()
    pem = X25519PrivateKey.from_private_bytes(pair.private).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        descriptor = os.open(private_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise RecoveryKeyError(f"{private_key_file} bestaat al; kies een ander bestand.") from exc
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    if active is not None:
        active.retired_at = now()
    row = RecoveryKey(public_key=pair.public, fingerprint=fingerprint(pair.public), created_at=now())
    session.add(row)
    session.flush()
    return row


def load_private(pem: bytes) -> bytes:
    """The raw private key from the offline file's contents."""
    try:
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise RecoveryKeyError("Dit is geen herstelsleutel.") from exc
    if not isinstance(key, X25519PrivateKey):
        raise RecoveryKeyError("Dit is geen herstelsleutel.")
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
