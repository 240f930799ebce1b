"""Sharing a dossier with the next keeper or a stand-in: only with the requester's recorded consent (R2, R14, R19)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.dossiers import sharing
from app.dossiers.services import DossierRefused, NotYours
from app.models import AuditEntry, DossierKey, DossierShare
from tests.dossiers.test_dossier_rules import CANARY_NAME, CANARY_NOTE, facts
from tests.helpers import OMG_CONFIDANT, user

OMG_SECOND = "koen.maes@omgeving.vlaanderen.example"


@pytest.fixture
def keepers(session):
    """Sofie with a dossier, and Koen of the same entity, both with keys."""
    sofie, koen = user(session, OMG_CONFIDANT), user(session, OMG_SECOND)
    sofie_key = user_keys.create_for(session, sofie, DEMO_PASSWORD)
    koen_key = user_keys.create_for(session, koen, DEMO_PASSWORD)
    dossier = dossiers.register(session, sofie, facts())
    session.commit()
    return sofie, sofie_key, koen, koen_key, dossier.id


@pytest.mark.parametrize("consent_on, consent_way, field", [
    (None, "phone", "consent_on"), (date(2026, 11, 20), None, "consent_way"), (date(2026, 11, 20), "telepathy",
                                                                                "consent_way"),
    (date(2026, 10, 1), "phone", "consent_on")])
def test_r19_a_handover_without_recorded_consent_is_refused_and_changes_nothing(session, keepers, consent_on,
                                                                                 consent_way, field, time_machine):
    time_machine.move_to("2026-12-01 10:00")
    sofie, sofie_key, koen, _, dossier_id = keepers
    with pytest.raises(DossierRefused) as refused:
        sharing.hand_over(session, sofie, sofie_key, dossier_id, koen, consent_on, consent_way)
    assert refused.value.field == field and str(refused.value.message)
    session.rollback()
    assert session.scalar(select(DossierShare.id)) is None
    assert session.scalars(select(DossierKey.reader_id).where(DossierKey.reader == "owner")).all() == [sofie.id]


def test_r19_after_a_handover_the_receiver_reads_and_the_former_keeper_reads_nothing(session, keepers,
                                                                                     time_machine):
    time_machine.move_to("2026-12-01 10:00")
    sofie, sofie_key, koen, koen_key, dossier_id = keepers
    share = sharing.hand_over(session, sofie, sofie_key, dossier_id, koen, date(2026, 11, 30), "phone")
    session.commit()
    view = dossiers.read(session, koen, dossier_id, koen_key)
    assert (view.requester, [note.text for note in view.notes]) == (CANARY_NAME, [CANARY_NOTE])
    with pytest.raises(NotYours):
        dossiers.read(session, sofie, dossier_id, sofie_key)
    assert (share.kind, share.consent_way, share.from_user_id) == ("handover", "phone", sofie.id)
    readers = session.execute(select(DossierKey.reader, DossierKey.reader_id)).all()
    assert ("owner", sofie.id) not in readers and ("owner", koen.id) in readers
    assert "handover" in session.scalars(select(AuditEntry.action)).all()
    raw = bytes(session.execute(text("SELECT wrapped FROM dossier_key WHERE reader = 'owner'")).scalar())
    assert CANARY_NAME.encode() not in raw


def test_r14_a_stand_in_reads_until_the_share_ends(session, keepers, time_machine):
    time_machine.move_to("2026-12-01 10:00")
    sofie, sofie_key, koen, _, dossier_id = keepers
    with pytest.raises(DossierRefused):
        sharing.share_with_stand_in(session, sofie, sofie_key, dossier_id, koen, None, "phone", inactivity_id=None)
    session.rollback()
    share = sharing.share_with_stand_in(session, sofie, sofie_key, dossier_id, koen, date(2026, 11, 30), "email",
                                        inactivity_id=None)
    session.commit()
    assert sharing.active_share(session, dossier_id, koen.id).id == share.id
    assert session.get(DossierKey, (dossier_id, "stand_in", koen.id)) is not None
    sharing.end_stand_in(session, share)
    sharing.end_stand_in(session, share)  # twice changes nothing
    session.commit()
    assert session.get(DossierKey, (dossier_id, "stand_in", koen.id)) is None
    assert sharing.active_share(session, dossier_id, koen.id) is None
    assert session.scalars(select(AuditEntry.action)).all().count("end_stand_in") == 1


def test_r19_a_handover_ends_the_stand_in_s_access(session, keepers, time_machine):
    time_machine.move_to("2026-12-01 10:00")
    sofie, sofie_key, koen, koen_key, dossier_id = keepers
    sharing.share_with_stand_in(session, sofie, sofie_key, dossier_id, koen, date(2026, 11, 30), "email",
                                inactivity_id=None)
    sharing.hand_over(session, sofie, sofie_key, dossier_id, koen, date(2026, 11, 30), "written")
    session.commit()
    assert sharing.active_share(session, dossier_id, koen.id) is None
    assert session.get(DossierKey, (dossier_id, "stand_in", koen.id)) is None
    assert dossiers.read(session, koen, dossier_id, koen_key).requester == CANARY_NAME
