"""Dossiers under professional secrecy: the rules R2, R4, R5 and what keeps them (keys, audit, recovery)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text, update

from app.auth.accounts import change_password, reset_password
from app.auth.own_password import choose_own_password
from app.crypto import recovery, user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import audit, listing
from app.dossiers import services as dossiers
from app.crypto.keys import WrongPassword
from app.dossiers.services import DossierRefused, NeedsRecovery, NotYours
from app.models import AuditEntry, Dossier, DossierNote
from tests.helpers import ADMIN, AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, user

CANARY_NAME, CANARY_NOTE = "Kanarie Verzoeker", "kanarie-notitie over pesterijen"


def facts(**overrides) -> dict:
    data = {"opened_on": date(2026, 11, 2), "requester": CANARY_NAME, "themes": ["bullying"],
            "persons": ["colleague"], "interventions": ["listening"], "note": CANARY_NOTE}
    data.update(overrides)
    return data


@pytest.fixture
def confidant(session):
    me = user(session, OMG_CONFIDANT)
    private = user_keys.create_for(session, me, DEMO_PASSWORD)
    session.commit()
    return me, private


def test_r2_only_its_confidant_reads_a_dossier(session, confidant):
    me, private = confidant
    dossier = dossiers.register(session, me, facts())
    session.commit()
    view = dossiers.read(session, me, dossier.id, private)
    assert (view.requester, [note.text for note in view.notes]) == (CANARY_NAME, [CANARY_NOTE])
    for other in (AWV_CONFIDANT, OMG_PAPSY, ADMIN):
        someone = user(session, other)
        other_private = user_keys.create_for(session, someone, DEMO_PASSWORD)
        with pytest.raises(NotYours):
            dossiers.read(session, someone, dossier.id, other_private)
        assert listing.list_for(session, someone, listing.Filters()) == ([], 0)
    raw = session.execute(text("SELECT requester_sealed FROM dossier")).scalar()
    notes = session.execute(text("SELECT body_sealed FROM dossier_note")).scalars().all()
    assert CANARY_NAME.encode() not in bytes(raw) and all(CANARY_NOTE.encode() not in bytes(n) for n in notes)


@pytest.mark.parametrize("intervention", ["intervention", "conciliation"])
def test_r4_an_intervention_without_recorded_consent_is_refused_and_nothing_is_saved(session, confidant,
                                                                                     intervention):
    me, _ = confidant
    with pytest.raises(DossierRefused) as refused:
        dossiers.register(session, me, facts(interventions=["listening", intervention]))
    assert refused.value.field == "consent_given" and "toestemming" in str(refused.value.message)
    session.rollback()
    with pytest.raises(DossierRefused) as no_date:
        dossiers.register(session, me, facts(interventions=[intervention], consent_given=True))
    assert no_date.value.field == "consent_on"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Dossier)) == 0
    dossier = dossiers.register(session, me, facts(interventions=[intervention], consent_given=True,
                                                   consent_on=date(2026, 11, 3)))
    assert (dossier.consent_given, dossier.consent_on) == (True, date(2026, 11, 3))


def test_r4_consent_cannot_be_removed_from_a_dossier_with_an_intervention(session, confidant):
    me, private = confidant
    dossier = dossiers.register(session, me, facts(interventions=["intervention"], consent_given=True,
                                                   consent_on=date(2026, 11, 3)))
    session.commit()
    with pytest.raises(DossierRefused):
        dossiers.update(session, me, dossier.id, private, facts(interventions=["intervention"], consent_given=False))
    session.rollback()
    assert session.get(Dossier, dossier.id).consent_given is True


def test_r5_a_referral_to_the_formal_procedure_is_recorded_in_clear_for_the_reports(session, confidant):
    me, _ = confidant
    referred = dossiers.register(session, me, facts(referred_formal=True))
    dossiers.register(session, me, facts())
    session.commit()
    assert session.scalar(select(Dossier.id).where(Dossier.referred_formal.is_(True))) == referred.id
    closed = dossiers.close(session, me, referred.id, date(2026, 11, 20), "referred_formal")
    assert (closed.closed_on, closed.outcome) == (date(2026, 11, 20), "referred_formal")


def test_filters_on_the_categorical_facts_and_search_on_the_sealed_requester(session, confidant):
    me, private = confidant
    first = dossiers.register(session, me, facts(themes=["stress"], requester="Jan Peeters"))
    second = dossiers.register(session, me, facts(themes=["conflict", "bullying"], requester="An Janssens"))
    session.commit()
    assert [d.id for d in listing.list_for(session, me, listing.Filters(theme="bullying"))[0]] == [second.id]
    assert {d.id for d in listing.list_for(session, me, listing.Filters(status="open"))[0]} == {first.id, second.id}
    assert listing.list_for(session, me, listing.Filters(), page=2) == ([], 2), "past the last page: its total still"
    assert sorted(dossiers.search_requester(session, me, private, "jan")) == [first.id, second.id]
    assert dossiers.search_requester(session, me, private, "peeters") == [first.id]
    other = user(session, AWV_CONFIDANT)
    assert dossiers.search_requester(session, other, user_keys.create_for(session, other, DEMO_PASSWORD), "jan") == []


def test_a_password_change_keeps_the_dossiers_readable(session, confidant):
    me, _ = confidant
    dossier = dossiers.register(session, me, facts())
    session.commit()
    change_password(session, me, DEMO_PASSWORD, "a-brand-new-password", "a-brand-new-password")
    session.commit()
    with pytest.raises(WrongPassword):
        user_keys.unlock(session, me, DEMO_PASSWORD)
    private = user_keys.unlock(session, me, "a-brand-new-password")
    assert dossiers.read(session, me, dossier.id, private).requester == CANARY_NAME


def test_an_admin_reset_makes_new_keys_old_dossiers_need_recovery_which_opens_them(app, session, confidant):
    me, _ = confidant
    dossier = dossiers.register(session, me, facts())
    session.commit()
    reset_password(session, me, "reset-by-the-admin-1")
    new_private = choose_own_password(session, me, "chosen-by-me-after-1", "chosen-by-me-after-1")
    session.commit()
    with pytest.raises(NeedsRecovery):
        dossiers.read(session, me, dossier.id, new_private)
    assert me.keys_reset_at is not None
    recovery_private = recovery.load_private(app.config["TEST_RECOVERY_KEY_FILE"].read_bytes())
    data_key = dossiers.recover_data_key(session, dossier.id, recovery_private)
    note = session.scalar(select(DossierNote).where(DossierNote.dossier_id == dossier.id))
    from app.crypto import keys

    assert keys.decrypt(data_key, note.body_sealed, f"dossier/{dossier.id}/note".encode()) == CANARY_NOTE
    with pytest.raises(NeedsRecovery):  # any other key pair opens nothing
        dossiers.recover_data_key(session, dossier.id, keys.new_key_pair().private)


def test_the_recovery_key_file_is_written_once_and_never_overwritten(session, tmp_path):
    existing = recovery.current(session)
    assert existing is not None and existing.public_key
    with pytest.raises(recovery.RecoveryKeyError):
        recovery.init(session, tmp_path / "again.pem")
    rotated = recovery.init(session, tmp_path / "rotated.pem", rotate=True)
    assert recovery.current(session).id == rotated.id and existing.retired_at is not None
    assert oct((tmp_path / "rotated.pem").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(recovery.RecoveryKeyError):
        recovery.init(session, tmp_path / "rotated.pem", rotate=True)


def test_every_confidential_access_is_in_the_audit_chain_and_tampering_is_found(session, confidant):
    me, private = confidant
    dossier = dossiers.register(session, me, facts())
    dossiers.read(session, me, dossier.id, private)
    dossiers.add_note(session, me, dossier.id, private, "tweede gesprek")
    dossiers.search_requester(session, me, private, "kanarie")
    session.commit()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.dossier_id, e.action) for e in entries] == [
        (me.id, dossier.id, "register"), (me.id, dossier.id, "read"), (me.id, dossier.id, "add_note"),
        (me.id, None, "search")]
    assert audit.verify(session).intact and audit.verify(session).entries == 4
    dumped = " ".join(f"{e.action} {e.prev_hash} {e.hash}" for e in entries)
    assert "kanarie" not in dumped.lower() and CANARY_NAME not in dumped

    session.execute(update(AuditEntry).where(AuditEntry.id == entries[1].id).values(action="update"))
    session.commit()
    session.expire_all()
    verdict = audit.verify(session)
    assert (verdict.intact, verdict.first_broken_id, verdict.entries) == (False, entries[1].id, 1)


def test_deleting_an_audit_entry_breaks_the_chain_at_the_next_one(session, confidant):
    me, private = confidant
    dossier = dossiers.register(session, me, facts())
    for _ in range(3):
        dossiers.read(session, me, dossier.id, private)
    session.commit()
    ids = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": ids[2]})
    session.commit()
    assert audit.verify(session).first_broken_id == ids[3]
