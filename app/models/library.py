"""The document library (R16): folders of documents the GDPB shares with confidants, each document with its
versions (the file itself is a StoredFile), and the weekly digest's runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime
from app.models.people import Entity
from app.models.process import StoredFile


class LibraryFolder(Base):
    __tablename__ = "library_folder"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class LibraryDocument(Base):
    """A document for all confidants (``entity_id`` None) or those of one entity; ``published_at`` moves with each
    new version (the digest tells of new documents and new versions)."""

    __tablename__ = "library_document"
    __table_args__ = (Index("ix_library_document_folder", "folder_id", "title"),
                      Index("ix_library_document_published", "published_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("library_folder.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entity.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    folder: Mapped[LibraryFolder] = relationship(lazy="joined")
    entity: Mapped[Entity | None] = relationship()


class LibraryVersion(Base):
    __tablename__ = "library_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("library_document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    file: Mapped[StoredFile] = relationship()


class LibraryDigest(Base):
    """One run of the weekly digest: the documents published in [period_start, period_end) were announced."""

    __tablename__ = "library_digest"
    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime, unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    mails: Mapped[int] = mapped_column(Integer, default=0)
