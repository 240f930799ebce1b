"""The TOTP second factor (pyotp) and one-time recovery codes for a lost phone.

Confidants, PAPSY and admins need it: they hold or oversee confidential dossiers. A code is accepted
once (the time step it belongs to is remembered), with one step of clock drift either way. The TOTP secret is
stored sealed under a key from the configuration (TOTP_KEY): a database dump alone makes no codes.
"""
from __future__ import annotations

import base64
import hashlib
import io
import logging
import secrets

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import now
from app.models import Role, User
from app.models.keys import RecoveryCode

ISSUER = "Vertrouwd"
NEEDS_SECOND_FACTOR = frozenset({Role.CONFIDANT, Role.PAPSY, Role.ADMIN})
RECOVERY_CODES = 10
DRIFT_STEPS = 1
SEALED = "v1:"  # prefix of a sealed secret; the upgrade that brought sealing sealed the clear ones once
log = logging.getLogger(__name__)
_sealing_key: bytes | None = None


def configure(totp_key: str) -> None:
    """Derive the key that seals TOTP secrets from the configured TOTP_KEY (the app factory calls this)."""
    global _sealing_key
    _sealing_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                        info=b"vertrouwd/totp-secret").derive(totp_key.encode())


def seal_secret(user_id: int, secret: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = nonce + _aead().encrypt(nonce, secret.encode(), _place(user_id))
    return SEALED + base64.urlsafe_b64encode(sealed).decode()


def secret_of(user: User) -> str | None:
    """The user's TOTP secret in clear, or None (not enrolled, sealed under another TOTP_KEY, or not sealed: a
    value written into the database by someone without the key)."""
    stored = user.totp_secret
    if stored is None:
        return None
    if not stored.startswith(SEALED):
        log.error("the TOTP secret of user %s is not sealed: refused", user.id)
        return None
    sealed = base64.urlsafe_b64decode(stored[len(SEALED):].encode())
    try:
        return _aead().decrypt(sealed[:12], sealed[12:], _place(user.id)).decode()
    except InvalidTag:
        log.error("the TOTP secret of user %s does not open with the configured TOTP_KEY", user.id)
        return None


def _aead() -> AESGCM:
    if _sealing_key is None:
        raise RuntimeError("second_factor.configure() was not called")
    return AESGCM(_sealing_key)


def _place(user_id: int) -> bytes:
    return f"totp/{user_id}".encode()


def required_for(user: User) -> bool:
    return bool(user.roles & NEEDS_SECOND_FACTOR)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG (no external request, works without JavaScript)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True,
                                    title="QR-code voor uw authenticator-app")
    return out.getvalue().decode()


def matching_step(secret: str, code: str) -> int | None:
    """The time step whose code is ``code`` (within the allowed drift), else None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify(session: Session, user: User, code: str) -> bool:
    """A valid TOTP code not used before, or an unused recovery code (then spent)."""
    secret = secret_of(user)
    if secret is None:
        return False
    step = matching_step(secret, code)
    if step is not None:
        # Compare-and-set on the last step: a replayed (or concurrent) use of the same code fails.
        taken = session.execute(
            update(User).where(User.id == user.id,
                               (User.totp_last_step.is_(None)) | (User.totp_last_step < step))
            .values(totp_last_step=step), execution_options={"synchronize_session": False})
        return taken.rowcount == 1
    return _spend_recovery_code(session, user, code)


def enrol(session: Session, user: User, secret: str, code: str) -> list[str] | None:
    """Confirm the enrolment with a first code; returns fresh recovery codes, or None if the code is wrong."""
    step = matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = seal_secret(user.id, secret), step
    return new_recovery_codes(session, user)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten fresh one-time codes (the old ones stop working); shown once, only their hashes are kept."""
    session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    codes = [_format(secrets.token_hex(5)) for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    session.flush()
    return codes


def reset(session: Session, user: User) -> None:
    """An admin's reset for a lost phone without recovery codes: enrol again at the next login. Every session of
    the user ends (whoever holds the lost phone may also hold an open session)."""
    from app.auth import web_sessions

    user.totp_secret, user.totp_last_step = None, None
    web_sessions.end_all_for(session, user.id)
    session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()


def _spend_recovery_code(session: Session, user: User, code: str) -> bool:
    digest = _digest(code)
    row_id = session.scalar(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None)))
    if row_id is None:
        return False
    spent = session.execute(update(RecoveryCode).where(RecoveryCode.id == row_id, RecoveryCode.used_at.is_(None))
                            .values(used_at=now()), execution_options={"synchronize_session": False})
    return spent.rowcount == 1


def _format(raw: str) -> str:
    return f"{raw[:5]}-{raw[5:]}"


def _digest(code: str) -> str:
    normal = "".join(code.split()).lower().replace("-", "")
    return hashlib.sha256(normal.encode()).hexdigest()
