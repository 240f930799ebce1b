"""Key material: each user's key pair (private half sealed under the password), the server-side sessions
(sealed under a key that only the session cookie carries), the GDPB recovery public key, TOTP."""
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


class WebSession(Base):
    """A browser session kept on the server. The cookie carries only a random token; this row is found by the
    token's SHA-256 and its data (login steps, the held private key, CSRF token) is sealed under a key derived
    from the token: the table alone opens nothing, and deleting the row ends the session everywhere."""

    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    client: Mapped[str] = mapped_column(String(64))  # SHA-256 of the User-Agent it was made for
    sealed_data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


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
