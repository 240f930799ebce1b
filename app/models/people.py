"""People and where they belong: entities, users with roles, PAPSY assignments, API tokens."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime


class Role(enum.StrEnum):
    CONFIDANT = "confidant"
    PAPSY = "papsy"
    EOC_SECRETARY = "eoc_secretary"
    ADMIN = "admin"


class Entity(Base):
    """An agency or department of the Flemish government affiliated with the GDPB."""

    __tablename__ = "entity"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))


papsy_assignment = Table(
    "papsy_assignment",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True),
)


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(String(20), primary_key=True)


class User(Base):
    """A person who logs in. Confidants and EOC secretaries belong to one entity."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entity.id"))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # TOTP second factor: the base32 secret once enrolment is confirmed (a pending one lives in the session)
    totp_secret: Mapped[str | None] = mapped_column(String(128))  # sealed under TOTP_KEY (second_factor)
    totp_last_step: Mapped[int | None] = mapped_column()  # the last time step used: a code works once
    keys_reset_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an admin's reset made new keys
    # The admin who last reset this account (password, setup link, second factor): never the one who approves
    # the recovery of its dossiers, so that no admin alone can take an account over with its dossiers.
    account_reset_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # Set by an admin (CLI or reset page): it opens only the page to choose one's own password, and no key pair
    password_temporary: Mapped[bool] = mapped_column(default=False)

    entity: Mapped[Entity | None] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    papsy_entities: Mapped[list[Entity]] = relationship(secondary=papsy_assignment, lazy="selectin")

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return any(row.role == role for row in self.role_rows)  # asked per row of a list: no set built

    # flask-login's user protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class SetupLink(Base):
    """A one-time link to choose one's own password (72 h); only the SHA-256 of its token is stored."""

    __tablename__ = "setup_link"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("token_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="joined")


class LoginThrottle(Base):
    """Failed logins in a row for an e-mail address (known or not: the answer must not tell which exist)."""

    __tablename__ = "login_throttle"
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
