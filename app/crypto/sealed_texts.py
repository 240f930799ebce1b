"""Sealed free texts outside the dossiers: an R8 account for the PAPSY, a third-party fact's description, the notes of
a conversation. Each text has a data key of its own, wrapped for each reader; the database holds no way to open it
without a reader's private key (unlocked at their login) or the offline recovery key.

Readers are (ReaderKind, id, public key) triples; ``readers_for`` builds the usual set. A user without a key yet
(never logged in) is left out: the caller decides whether that is acceptable (``missing``).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.clock import now
from app.crypto import contexts, keys, recovery, user_keys
from app.models import SealedText, SealedTextKey
from app.models.dossiers import ReaderKind

Reader = tuple[str, int, bytes]


def readers_for(session: Session, owner_id: int, papsy_ids: Iterable[int] = (),
                with_recovery: bool = True) -> tuple[list[Reader], list[int]]:
    """The readers of a text written by ``owner_id`` for ``papsy_ids``: (readers, the user ids without a key)."""
    readers: list[Reader] = []
    missing: list[int] = []
    for kind, user_id in [(ReaderKind.OWNER, owner_id), *((ReaderKind.PAPSY, pid) for pid in papsy_ids)]:
        public = user_keys.public_key(session, user_id)
        if public is None:
            missing.append(user_id)
        else:
            readers.append((kind.value, user_id, public))
    recovery_key = recovery.current(session) if with_recovery else None
    if recovery_key is not None:
        readers.append((ReaderKind.RECOVERY.value, recovery_key.id, recovery_key.public_key))
    return readers, missing


def seal(session: Session, purpose: str, text: str, readers: list[Reader],
         into: SealedText | None = None) -> SealedText:
    """Seal ``text`` under a new data key for ``readers``; ``into`` replaces an existing text (its old wraps go)."""
    sealed = into or SealedText(purpose=purpose, body_sealed=b"")
    if into is None:
        session.add(sealed)
        session.flush()
    data_key = keys.new_data_key()
    sealed.body_sealed = keys.encrypt(data_key, text, contexts.sealed_text_body(sealed.id, sealed.purpose))
    sealed.written_at = now()
    session.execute(delete(SealedTextKey).where(SealedTextKey.text_id == sealed.id))
    session.add_all(SealedTextKey(text_id=sealed.id, reader=kind, reader_id=reader_id,
                                  wrapped=keys.wrap_key(public, data_key,
                                                        contexts.sealed_text_key_for(sealed.id, kind, reader_id)))
                    for kind, reader_id, public in readers)
    session.flush()
    return sealed


def can_open(session: Session, text_id: int, reader: str, reader_id: int) -> bool:
    return session.get(SealedTextKey, (text_id, reader, reader_id)) is not None


def open_text(session: Session, text_id: int, reader: str, reader_id: int, private: bytes) -> str | None:
    """The text, opened with the reader's private key; None when it was not sealed for them. The caller checked the
    policy and writes the audit entry."""
    sealed = session.get(SealedText, text_id)
    row = session.get(SealedTextKey, (text_id, reader, reader_id))
    if sealed is None or row is None:
        return None
    data_key = keys.unwrap_key(private, row.wrapped, contexts.sealed_text_key_for(text_id, reader, reader_id))
    return keys.decrypt(data_key, sealed.body_sealed, contexts.sealed_text_body(text_id, sealed.purpose))


def share(session: Session, text_id: int, reader: str, reader_id: int, private: bytes, to: Reader) -> bool:
    """Wrap the text's key for one more reader, with the key of a reader who has it (their session is unlocked)."""
    row = session.get(SealedTextKey, (text_id, reader, reader_id))
    if row is None:
        return False
    data_key = keys.unwrap_key(private, row.wrapped, contexts.sealed_text_key_for(text_id, reader, reader_id))
    kind, new_id, public = to
    session.merge(SealedTextKey(text_id=text_id, reader=kind, reader_id=new_id,
                                wrapped=keys.wrap_key(public, data_key,
                                                      contexts.sealed_text_key_for(text_id, kind, new_id))))
    return True


def shred(session: Session, text_ids: Iterable[int]) -> None:
    """Crypto-shred texts: the ciphertexts and every wrap of their keys go."""
    ids = list(text_ids)
    if ids:
        session.execute(delete(SealedTextKey).where(SealedTextKey.text_id.in_(ids)))
        session.execute(delete(SealedText).where(SealedText.id.in_(ids)))


def readable_by(session: Session, text_ids: Iterable[int], reader: str, reader_id: int) -> set[int]:
    """Which of ``text_ids`` were sealed for this reader (one query, for lists)."""
    ids = list(text_ids)
    if not ids:
        return set()
    return set(session.scalars(select(SealedTextKey.text_id).where(
        SealedTextKey.text_id.in_(ids), SealedTextKey.reader == reader, SealedTextKey.reader_id == reader_id)))
