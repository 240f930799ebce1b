"""The sealing contexts: the bytes that bind a ciphertext or a wrapped key to its dossier, reader and field.

They are the associated data of AES-GCM (app/crypto/keys.py): a ciphertext opens only with the context it was
sealed with. Every ciphertext in every database was sealed with these exact bytes, so they never change (a
changed one makes stored dossiers unreadable); tests/unit/test_sealing_contexts.py pins them. Everything that
seals or opens dossier content asks this module, so that writing and reading cannot drift apart.
"""
from __future__ import annotations

from typing import Literal

from app.models.dossiers import ReaderKind

DossierField = Literal["requester", "note", "summary", "consultation"]


def dossier_field(dossier_id: int, field: DossierField) -> bytes:
    """A confidential field of a dossier, sealed under the dossier's data key."""
    return f"dossier/{dossier_id}/{field}".encode()


def data_key_for(dossier_id: int, reader: ReaderKind | str, reader_id: int) -> bytes:
    """A dossier's data key wrapped for one reader: its confidant (owner) or the recovery key."""
    return f"dossier/{dossier_id}/{ReaderKind(reader).value}/{reader_id}".encode()


def summary_text(dossier_id: int) -> bytes:
    """The escalation summary of a dossier, sealed under the summary's own key."""
    return dossier_field(dossier_id, "summary")


def summary_key_for(summary_id: int, reader: ReaderKind | str, reader_id: int) -> bytes:
    """An escalation summary's key wrapped for one reader: the confidant, a PAPSY or the recovery key."""
    return f"summary/{summary_id}/{ReaderKind(reader).value}/{reader_id}".encode()


def consultation_text(dossier_id: int) -> bytes:
    """The PAPSY's consultation on a delicate dossier, sealed under the consultation's own key."""
    return dossier_field(dossier_id, "consultation")


def consultation_key_for(consultation_id: int, reader: ReaderKind | str, reader_id: int) -> bytes:
    """A consultation's key wrapped for one reader: the confidant, the PAPSY who recorded it or the recovery key."""
    return f"consultation/{consultation_id}/{ReaderKind(reader).value}/{reader_id}".encode()


def sealed_text_body(text_id: int, purpose: str) -> bytes:
    """A sealed free text (an R8 account, a third-party fact's description, ...), under the text's own key."""
    return f"text/{purpose}/{text_id}".encode()


def sealed_text_key_for(text_id: int, reader: ReaderKind | str, reader_id: int) -> bytes:
    """A sealed text's key wrapped for one reader."""
    return f"text/{text_id}/{ReaderKind(reader).value}/{reader_id}".encode()
