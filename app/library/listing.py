"""What the library's pages list (R16), as plain rows: the folders with how many documents a user sees in each, a
folder's documents, a search in titles and descriptions, the newest publications and a document's versions. Every
query keeps to the documents the policy lets the user see (``policy.library_documents_for``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.models import Entity, LibraryDocument, LibraryFolder, LibraryVersion, StoredFile, User

SEARCH_LIMIT = 100  # a search shows this many; more asks for a narrower search
RECENT = 5


@dataclass(frozen=True)
class FolderRow:
    id: int
    name: str
    description: str | None
    documents: int
    last_published: datetime | None


@dataclass(frozen=True)
class DocumentRow:
    """A document in a list, with its newest version's file."""

    id: int
    title: str
    description: str | None
    folder_id: int
    folder: str
    audience: str | None  # the entity's name; None: all confidants
    published_at: datetime
    archived: bool
    version: int
    file_name: str
    mimetype: str
    size: int


@dataclass(frozen=True)
class SearchResult:
    query: str
    rows: list[DocumentRow]
    more: bool  # more matched than are shown


def folder_rows(session: Session, user: User) -> list[FolderRow]:
    """Every folder for who manages the library; for a reader the folders that hold a document for them."""
    visible = policy.library_documents_for(session, user)
    counted = (select(LibraryDocument.folder_id, func.count().label("documents"),
                      func.max(LibraryDocument.published_at).label("last"))
               .where(visible).group_by(LibraryDocument.folder_id).subquery())
    statement = (select(LibraryFolder.id, LibraryFolder.name, LibraryFolder.description,
                        func.coalesce(counted.c.documents, 0), counted.c.last)
                 .outerjoin(counted, counted.c.folder_id == LibraryFolder.id)
                 .order_by(func.lower(LibraryFolder.name)))
    if not policy.can_manage_library(user):
        statement = statement.where(counted.c.documents > 0)
    return [FolderRow(*row) for row in session.execute(statement)]


def folder_documents(session: Session, user: User, folder_id: int) -> list[DocumentRow]:
    statement = _documents(session, user).where(LibraryDocument.folder_id == folder_id)
    return _rows(session, statement.order_by(func.lower(LibraryDocument.title), LibraryDocument.id))


def search(session: Session, user: User, query: str) -> SearchResult:
    """Documents whose title or description holds ``query`` (any case); title matches first, then the newest."""
    query = " ".join(query.split())[:200]
    title_match = LibraryDocument.title.icontains(query, autoescape=True)
    statement = (_documents(session, user)
                 .where(title_match | LibraryDocument.description.icontains(query, autoescape=True))
                 .order_by(case((title_match, 0), else_=1), LibraryDocument.published_at.desc(), LibraryDocument.id)
                 .limit(SEARCH_LIMIT + 1))
    rows = _rows(session, statement)
    return SearchResult(query, rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT)


def recent(session: Session, user: User, limit: int = RECENT) -> list[DocumentRow]:
    """The newest publications (new documents and new versions) the user may read, archived ones left out."""
    statement = _documents(session, user).where(LibraryDocument.archived_at.is_(None))
    return _rows(session, statement.order_by(LibraryDocument.published_at.desc(), LibraryDocument.id.desc())
                 .limit(limit))


def versions(session: Session, document_id: int) -> list[tuple[LibraryVersion, int, str, str | None]]:
    """A document's versions, newest first: (version, size, mimetype, uploader's name)."""
    return [tuple(row) for row in session.execute(
        select(LibraryVersion, StoredFile.size, StoredFile.mimetype, User.name)
        .join(StoredFile, StoredFile.id == LibraryVersion.file_id)
        .outerjoin(User, User.id == LibraryVersion.uploaded_by_id)
        .where(LibraryVersion.document_id == document_id).order_by(LibraryVersion.number.desc()))]


def folder_choices(session: Session) -> list[tuple[int, str]]:
    return [tuple(row) for row in session.execute(
        select(LibraryFolder.id, LibraryFolder.name).order_by(func.lower(LibraryFolder.name)))]


def entity_choices(session: Session) -> list[tuple[int, str]]:
    return [tuple(row) for row in session.execute(select(Entity.id, Entity.name).order_by(Entity.name))]


def _documents(session: Session, user: User) -> Select:
    """Each visible document with its newest version's file (the file's size and type, never its bytes)."""
    newest = (select(LibraryVersion.document_id, func.max(LibraryVersion.number).label("number"))
              .group_by(LibraryVersion.document_id).subquery())
    return (select(LibraryDocument.id, LibraryDocument.title, LibraryDocument.description, LibraryDocument.folder_id,
                   LibraryFolder.name, Entity.name, LibraryDocument.published_at,
                   LibraryDocument.archived_at.is_not(None), LibraryVersion.number, LibraryVersion.file_name,
                   StoredFile.mimetype, StoredFile.size)
            .join(LibraryFolder, LibraryFolder.id == LibraryDocument.folder_id)
            .join(newest, newest.c.document_id == LibraryDocument.id)
            .join(LibraryVersion, (LibraryVersion.document_id == LibraryDocument.id)
                  & (LibraryVersion.number == newest.c.number))
            .join(StoredFile, StoredFile.id == LibraryVersion.file_id)
            .outerjoin(Entity, Entity.id == LibraryDocument.entity_id)
            .where(policy.library_documents_for(session, user)))


def _rows(session: Session, statement: Select) -> list[DocumentRow]:
    return [DocumentRow(*row) for row in session.execute(statement)]
