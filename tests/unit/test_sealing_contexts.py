"""The sealing contexts are part of every stored ciphertext: these tests fail if one of their bytes changes."""
from __future__ import annotations

import pytest

from app.crypto import contexts, keys
from app.models.dossiers import ReaderKind

# Sealed before app/crypto/contexts.py existed (by the three copies it replaced), under these fixed keys.
PRIVATE, DATA_KEY = bytes(range(32)), bytes(range(32, 64))
NOTE_OF_DOSSIER_7 = bytes.fromhex("bed8680f933a4c15e4bf0c9be83d4f98ee0695f8c966b10a44e10350f67f5daee6ed3121")
SUMMARY_OF_DOSSIER_7 = bytes.fromhex(
    "8990b690e2ed446ff931596f105b30a5d57a3778ff8ac47a34355314c7483df234229a78827a73bfbc")
DATA_KEY_OF_DOSSIER_7_FOR_OWNER_3 = bytes.fromhex(
    "be35a2d5510644bbacf62be82e76bd7732a0a85329c21d863655ef582d42206ba9a7756d7ad5b3a308277b3e61be613b"
    "65fcb288961f9e5f38bd6450023d1e3bcbe701d7bd2939884863c185b3e426364a17addc8ed707987e5f7f3f")
SUMMARY_KEY_5_FOR_PAPSY_4 = bytes.fromhex(
    "362b536c9320b18cc97cda215dc7c78ccd411f76b29309ee92d0a9d0a1803c197a4d41eb0bc0f100a2290e7912a338a2"
    "12c4a7f03de3371c7bba0337e4244ecba1efe031da43adee84b01bc84f4a91f10f8dd90f18e7c4a570107a62")


def test_the_sealing_contexts_are_exactly_the_bytes_stored_ciphertexts_were_sealed_with():
    """Each context is pinned byte for byte; a changed one would leave every stored dossier unreadable."""
    assert contexts.dossier_field(7, "requester") == b"dossier/7/requester"
    assert contexts.dossier_field(7, "note") == b"dossier/7/note"
    assert contexts.summary_text(7) == b"dossier/7/summary"
    assert contexts.data_key_for(7, ReaderKind.OWNER, 3) == b"dossier/7/owner/3"
    assert contexts.data_key_for(7, "recovery", 2) == b"dossier/7/recovery/2"
    assert contexts.summary_key_for(5, "owner", 3) == b"summary/5/owner/3"
    assert contexts.summary_key_for(5, ReaderKind.PAPSY, 4) == b"summary/5/papsy/4"
    assert contexts.summary_key_for(5, "recovery", 2) == b"summary/5/recovery/2"
    assert contexts.consultation_text(7) == b"dossier/7/consultation"
    assert contexts.consultation_key_for(6, "owner", 3) == b"consultation/6/owner/3"
    assert contexts.consultation_key_for(6, ReaderKind.PAPSY, 4) == b"consultation/6/papsy/4"
    assert contexts.sealed_text_body(8, "incident_account") == b"text/incident_account/8"
    assert contexts.sealed_text_key_for(8, ReaderKind.PAPSY, 4) == b"text/8/papsy/4"


def test_ciphertexts_sealed_before_the_contexts_had_one_home_still_open():
    """A note, a summary and two wrapped keys sealed by the earlier code open with today's contexts."""
    assert keys.decrypt(DATA_KEY, NOTE_OF_DOSSIER_7, contexts.dossier_field(7, "note")) == "Gesprek."
    assert keys.decrypt(DATA_KEY, SUMMARY_OF_DOSSIER_7, contexts.summary_text(7)) == "Samenvatting."
    assert keys.unwrap_key(PRIVATE, DATA_KEY_OF_DOSSIER_7_FOR_OWNER_3,
                           contexts.data_key_for(7, ReaderKind.OWNER, 3)) == DATA_KEY
    assert keys.unwrap_key(PRIVATE, SUMMARY_KEY_5_FOR_PAPSY_4, contexts.summary_key_for(5, "papsy", 4)) == DATA_KEY


def test_an_unknown_reader_kind_is_refused_rather_than_sealed_for_nobody():
    """A misspelt reader kind raises at once instead of writing a key that no reader could ever open."""
    with pytest.raises(ValueError):
        contexts.data_key_for(7, "Owner", 3)
