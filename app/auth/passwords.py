"""Argon2id password hashes (argon2-cffi); parameters come from the settings."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# A hash to verify against when the account does not exist, so timing does not tell who has one.
_DUMMY_HASH: str | None = None


def configure(time_cost: int, memory_kib: int, parallelism: int) -> None:
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _DUMMY_HASH = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing hash costs the same time as a wrong password."""
    global _DUMMY_HASH
    if password_hash is None:
        _DUMMY_HASH = _DUMMY_HASH or _hasher.hash("not a password")
        password_hash = _DUMMY_HASH
        password = password + "\x00never"
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
