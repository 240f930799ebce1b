"""Key material: each user's key pair (private half sealed under the password), the unlocked keys of live
sessions (sealed under a key that only the session cookie carries), the GDPB recovery public key, TOTP."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.db import Base, UTCDateTime


class UserKey(Base):
    """A user's X25519 key pair; the private key opens only with the user's password."""

    __tablename__ = "user_key"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    sealed_private: Mapped[bytes] = mapped_column(LargeBinary(128))
    kdf_params: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class UnlockedKey(Base):
    """A logged-in session's private key, sealed under a random key that lives only in that session's cookie:
    the cookie alone holds no key material, this table alone opens nothing."""

    __tablename__ = "unlocked_key"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    sealed_private: Mapped[bytes] = mapped_column(LargeBinary(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RecoveryKey(Base):
    """The public half of the GDPB's offline recovery key pair (`vertrouwd recovery init`)."""

    __tablename__ = "recovery_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """A one-time code for a lost phone; only its SHA-256 is kept (the codes have 80 bits of chance)."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
