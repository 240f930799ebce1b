"""The document library (R16): folders, publishing a document, its new versions (the older ones are kept), changing
its details and archiving it. PAPSY and admins do all of this; confidants read (app/library/listing.py).

Services flush, the caller commits; a refusal (InvalidData, NotAllowed, NotFound) changes nothing.
"""
from __future__ import annotations

import hashlib
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.library.content import CheckedFile
from app.library.forms import DocumentDetails, FolderDetails
from app.models import Entity, LibraryDocument, LibraryFolder, LibraryVersion, StoredFile, User

log = logging.getLogger(__name__)


# ---- Finding what a user may see ----

def find_folder(session: Session, user: User, folder_id: int) -> LibraryFolder:
    """A folder ``user`` may open; one holding nothing for them is as unknown as one that does not exist (404)."""
    _check_reader(session, user)
    folder = session.get(LibraryFolder, folder_id)
    if folder is None or not policy.may_open_library_folder(session, user, folder):
        raise NotFound(str(_l("Deze map bestaat niet.")))
    return folder


def find_document(session: Session, user: User, document_id: int) -> LibraryDocument:
    """A document ``user`` may read; one outside their audience is as unknown as one that does not exist (404)."""
    _check_reader(session, user)
    document = session.get(LibraryDocument, document_id)
    if document is None or not policy.may_read_document(session, user, document):
        raise NotFound(str(_l("Dit document bestaat niet (meer).")))
    return document


def version_to_download(session: Session, user: User, document_id: int, number: int | None = None) -> LibraryVersion:
    """The version ``number`` of a document ``user`` may read, its newest when ``number`` is None."""
    document = find_document(session, user, document_id)
    wanted = number if number is not None else session.scalar(
        select(func.max(LibraryVersion.number)).where(LibraryVersion.document_id == document.id))
    version = session.scalar(select(LibraryVersion).where(LibraryVersion.document_id == document.id,
                                                          LibraryVersion.number == wanted))
    if version is None:
        raise NotFound(str(_l("Deze versie van het document bestaat niet.")))
    return version


# ---- Folders ----

def create_folder(session: Session, user: User, details: FolderDetails) -> LibraryFolder:
    _check_manager(user)
    _check_free_name(session, details.name)
    folder = LibraryFolder(created_at=now())
    _save_named(session, folder, details)
    return folder


def change_folder(session: Session, user: User, folder: LibraryFolder, details: FolderDetails) -> None:
    """A new name or description; the documents stay in it."""
    _check_manager(user)
    _check_free_name(session, details.name, folder.id)
    _save_named(session, folder, details)


def _check_free_name(session: Session, name: str, own_id: int | None = None) -> None:
    taken = session.scalar(select(LibraryFolder.id).where(func.lower(LibraryFolder.name) == name.lower(),
                                                          LibraryFolder.id != (own_id or 0)))
    if taken is not None:
        raise InvalidData({"name": str(_l("Er is al een map met deze naam."))})


def _save_named(session: Session, folder: LibraryFolder, details: FolderDetails) -> None:
    """Write the name in a savepoint: a folder of the same name saved meanwhile is the same refusal, not an error."""
    try:
        with session.begin_nested():
            folder.name, folder.description = details.name, details.description
            session.add(folder)
    except IntegrityError:
        raise InvalidData({"name": str(_l("Er is al een map met deze naam."))}) from None


# ---- Documents ----

def publish(session: Session, user: User, details: DocumentDetails, checked: CheckedFile) -> LibraryDocument:
    """A new document with its first version; confidants of its audience hear of it in the next weekly digest."""
    _check_manager(user)
    _check_details(session, details)
    at = now()
    document = LibraryDocument(folder_id=details.folder_id, title=details.title, description=details.description,
                               entity_id=details.entity_id, created_by_id=user.id, created_at=at, published_at=at)
    session.add(document)
    session.flush()
    _store_version(session, user, document, 1, checked)
    log.info("library document %s published", document.id)
    return document


def add_version(session: Session, user: User, document_id: int, checked: CheckedFile) -> LibraryVersion:
    """The next version of a document; the older ones stay downloadable. The document counts as published again,
    so the digest tells of it."""
    _check_manager(user)
    document = session.scalar(select(LibraryDocument).where(LibraryDocument.id == document_id)
                              .with_for_update(of=LibraryDocument))
    if document is None:
        raise NotFound(str(_l("Dit document bestaat niet (meer).")))
    if document.archived_at is not None:
        raise InvalidData({"file": str(_l("Dit document is gearchiveerd. Zet het eerst terug om een nieuwe versie op "
                                          "te laden."))})
    newest = session.scalar(select(LibraryVersion).where(LibraryVersion.document_id == document.id)
                            .order_by(LibraryVersion.number.desc()).limit(1))
    if newest is not None and newest.file.sha256 == hashlib.sha256(checked.content).hexdigest():
        raise InvalidData({"file": str(_l("Dit bestand is hetzelfde als de huidige versie."))})
    document.published_at = now()
    version = _store_version(session, user, document, (newest.number if newest else 0) + 1, checked)
    log.info("library document %s: version %s", document.id, version.number)
    return version


def change(session: Session, user: User, document: LibraryDocument, details: DocumentDetails) -> None:
    """Another folder, title, description or audience; the file and its versions stay as they are."""
    _check_manager(user)
    _check_details(session, details)
    document.folder_id, document.title = details.folder_id, details.title
    document.description, document.entity_id = details.description, details.entity_id
    session.flush()


def archive(session: Session, user: User, document: LibraryDocument) -> None:
    """Confidants no longer see it; PAPSY and admins still do, and can put it back."""
    _check_manager(user)
    if document.archived_at is None:
        document.archived_at = now()
        session.flush()


def restore(session: Session, user: User, document: LibraryDocument) -> None:
    _check_manager(user)
    if document.archived_at is not None:
        document.archived_at = None
        session.flush()


def _store_version(session: Session, user: User, document: LibraryDocument, number: int,
                   checked: CheckedFile) -> LibraryVersion:
    # The stored file names no uploader: task forms accept a user's own unattached uploads, and a library file must
    # never become one (the version row says who uploaded it).
    stored = StoredFile(sha256=hashlib.sha256(checked.content).hexdigest(), size=len(checked.content),
                        mimetype=checked.mimetype, content=checked.content, uploaded_by_id=None, created_at=now())
    session.add(stored)
    session.flush()
    version = LibraryVersion(document_id=document.id, number=number, file_id=stored.id, file_name=checked.file_name,
                             uploaded_by_id=user.id, uploaded_at=now())
    session.add(version)
    session.flush()
    return version


def _check_details(session: Session, details: DocumentDetails) -> None:
    errors = {}
    if session.get(LibraryFolder, details.folder_id) is None:
        errors["folder"] = str(_l("Kies een map."))
    if details.entity_id is not None and session.get(Entity, details.entity_id) is None:
        errors["audience"] = str(_l("Kies voor wie het document is."))
    if errors:
        raise InvalidData(errors)


def _check_manager(user: User) -> None:
    if not policy.can_manage_library(user):
        raise NotAllowed(str(_l("Alleen een PAPSY of een beheerder publiceert en beheert documenten.")))


def _check_reader(session: Session, user: User) -> None:
    if not policy.can_read_library(session, user):
        raise NotAllowed(str(_l("De documenten zijn er voor vertrouwenspersonen, PAPSY en beheerders.")))
