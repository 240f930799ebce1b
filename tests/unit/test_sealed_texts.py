"""Sealed free texts (R8 accounts, R20 descriptions, conversation notes): only their readers' keys open them."""
from __future__ import annotations

from sqlalchemy import select

from app.crypto import sealed_texts, user_keys
from app.demo import DEMO_PASSWORD
from app.models import SealedText, SealedTextKey
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, user

CANARY = "Canary-sealed-text-7f3a: de loketbediende werd bedreigd"


def test_a_sealed_text_opens_for_its_readers_only_and_is_gone_after_shredding(session):
    confidant, papsy = user(session, OMG_CONFIDANT), user(session, OMG_PAPSY)
    confidant_key = user_keys.create_for(session, confidant, DEMO_PASSWORD)
    papsy_key = user_keys.create_for(session, papsy, DEMO_PASSWORD)
    readers, missing = sealed_texts.readers_for(session, confidant.id, [papsy.id])
    assert missing == [] and {(kind, reader_id) for kind, reader_id, _ in readers} >= {
        ("owner", confidant.id), ("papsy", papsy.id)}
    sealed = sealed_texts.seal(session, "incident_account", CANARY, readers)
    session.commit()

    assert CANARY.encode() not in sealed.body_sealed
    assert sealed_texts.open_text(session, sealed.id, "owner", confidant.id, confidant_key) == CANARY
    assert sealed_texts.open_text(session, sealed.id, "papsy", papsy.id, papsy_key) == CANARY
    assert sealed_texts.open_text(session, sealed.id, "papsy", confidant.id, confidant_key) is None
    assert sealed_texts.readable_by(session, [sealed.id], "papsy", papsy.id) == {sealed.id}

    sealed_texts.shred(session, [sealed.id])
    session.commit()
    assert session.get(SealedText, sealed.id) is None
    assert not session.scalars(select(SealedTextKey).where(SealedTextKey.text_id == sealed.id)).all()
