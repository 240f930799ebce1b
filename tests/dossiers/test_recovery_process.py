"""bpmn/key_recovery.bpmn: a PAPSY requests, another person (an admin) approves with the offline recovery key."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.auth.accounts import ensure_user, reset_password
from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import recovery_process
from app.dossiers import services as dossiers
from app.dossiers.recovery_process import RecoveryRefused
from app.dossiers.services import NeedsRecovery, NotYours
from app.engine.errors import InvalidData
from app.models import AuditEntry, Role, Task, TaskState
from app.workflow import services as workflow
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, entity, user

OTHER_OMG_CONFIDANT = "koen.maes@omgeving.vlaanderen.example"


@pytest.fixture
def registered(session):
    me = user(session, OMG_CONFIDANT)
    dossier = dossiers.register(session, me, {
        "opened_on": date(2026, 11, 2), "requester": "R.S.", "themes": ["conflict"], "persons": ["colleague"],
        "interventions": ["listening"], "note": "Gesprek."})
    session.commit()
    return dossier.id


def request(session, requester_email: str, **data) -> Task:
    workflow.start_process(session, user(session, requester_email), "key_recovery", entity(session, "OMG"),
                           {"kind": "password_reset", "confidant_email": OMG_CONFIDANT, **data})
    session.commit()
    return session.scalar(select(Task).where(Task.spec_name == "approve_recovery", Task.state == TaskState.READY))


def key_file(app) -> bytes:
    return app.config["TEST_RECOVERY_KEY_FILE"].read_bytes()


def test_after_a_password_reset_two_people_and_the_key_open_the_dossiers_again(app, session, registered):
    from app.auth.own_password import choose_own_password

    me = user(session, OMG_CONFIDANT)
    reset_password(session, me, "tijdelijk-wachtwoord-1")
    new_private = choose_own_password(session, me, "nieuw-wachtwoord-1", "nieuw-wachtwoord-1")
    session.commit()
    with pytest.raises(NeedsRecovery):
        dossiers.read(session, me, registered, new_private)
    task = request(session, OMG_PAPSY)
    assert recovery_process.decide(session, user(session, ADMIN), task.id, True, key_file(app)) == 1
    session.commit()
    assert dossiers.read(session, user(session, OMG_CONFIDANT), registered, new_private).requester == "R.S."
    actions = session.execute(select(AuditEntry.actor_id, AuditEntry.action).where(
        AuditEntry.dossier_id == registered)).all()
    assert (user(session, ADMIN).id, "recover") in actions


def test_recovery_is_refused_to_one_person_holding_both_roles(app, session, registered):
    both = ensure_user(session, "papsy.admin@gdpb.vlaanderen.example", "Beide Rollen", [Role.PAPSY, Role.ADMIN],
                       password=DEMO_PASSWORD)
    both.papsy_entities.append(entity(session, "OMG"))
    session.commit()
    task = request(session, both.email)
    with pytest.raises(RecoveryRefused, match="twee personen"):
        recovery_process.decide(session, both, task.id, True, key_file(app))
    with pytest.raises(RecoveryRefused):  # and nobody but an admin decides
        recovery_process.decide(session, user(session, OMG_PAPSY), task.id, True, key_file(app))


def test_a_wrong_key_changes_nothing_and_no_key_no_approval(app, session, registered):
    task = request(session, OMG_PAPSY)
    admin = user(session, ADMIN)
    with pytest.raises(RecoveryRefused):
        recovery_process.decide(session, admin, task.id, True, None)
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    stranger = X25519PrivateKey.generate().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    with pytest.raises(RecoveryRefused, match="opent de dossiers niet"):
        recovery_process.decide(session, admin, task.id, True, stranger)
    session.rollback()
    assert session.get(Task, task.id).state == TaskState.READY
    with pytest.raises(InvalidData):  # the generic task form cannot approve: the key must not enter workflow data
        workflow.complete_task(session, admin, task.id, {"acknowledged": True})
    session.rollback()
    assert recovery_process.decide(session, admin, task.id, False, None) == 0
    session.commit()
    assert session.get(Task, task.id).state == TaskState.COMPLETED


def test_a_dossier_handed_over_with_consent_is_readable_by_the_new_confidant_only(app, session, registered):
    successor = user(session, OTHER_OMG_CONFIDANT)
    successor_private = user_keys.unlock(session, successor, DEMO_PASSWORD)
    task = request(session, OMG_PAPSY, kind="handover", new_confidant_email=OTHER_OMG_CONFIDANT,
                   dossier_id=registered, consent_on="2026-11-20")
    assert recovery_process.decide(session, user(session, ADMIN), task.id, True, key_file(app)) == 1
    session.commit()
    assert dossiers.read(session, successor, registered, successor_private).requester == "R.S."
    with pytest.raises(NotYours):
        dossiers.read(session, user(session, OMG_CONFIDANT), registered,
                      user_keys.unlock(session, user(session, OMG_CONFIDANT), DEMO_PASSWORD))


def test_a_handover_without_consent_or_to_another_entity_is_refused(session, registered):
    with pytest.raises(InvalidData) as missing:
        workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", entity(session, "OMG"),
                               {"kind": "handover", "confidant_email": OMG_CONFIDANT,
                                "new_confidant_email": OTHER_OMG_CONFIDANT, "dossier_id": registered})
    assert "consent_on" in missing.value.errors
    session.rollback()
    with pytest.raises(InvalidData) as elsewhere:
        workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", entity(session, "OMG"),
                               {"kind": "handover", "confidant_email": OMG_CONFIDANT, "consent_on": "2026-11-20",
                                "new_confidant_email": "els.desmet@wegenenverkeer.vlaanderen.example",
                                "dossier_id": registered})
    assert "new_confidant_email" in elsewhere.value.errors


def test_f2_after_a_reset_recovery_waits_for_the_users_own_password_and_wraps_only_to_that_key(
        app, session, registered):
    from app.crypto import keys
    from app.crypto.keys import WrongPassword
    from app.models.dossiers import DossierKey, ReaderKind

    me = user(session, OMG_CONFIDANT)
    reset_password(session, me, "tijdelijk-wachtwoord-1")
    session.commit()
    task = request(session, OMG_PAPSY)
    with pytest.raises(RecoveryRefused, match="nog geen eigen wachtwoord gekozen"):
        recovery_process.decide(session, user(session, ADMIN), task.id, True, key_file(app))
    session.rollback()
    from app.auth.own_password import choose_own_password

    assert session.get(Task, task.id).state == TaskState.READY, "the request waits"
    own_private = choose_own_password(session, me, "mijn-eigen-wachtwoord-2", "mijn-eigen-wachtwoord-2")
    session.commit()
    assert recovery_process.decide(session, user(session, ADMIN), task.id, True, key_file(app)) == 1
    session.commit()
    [owner_key] = session.scalars(select(DossierKey).where(DossierKey.dossier_id == registered,
                                                          DossierKey.reader == ReaderKind.OWNER.value))
    context = f"dossier/{registered}/{ReaderKind.OWNER.value}/{me.id}".encode()
    assert keys.unwrap_key(own_private, owner_key.wrapped, context)
    with pytest.raises(WrongPassword):
        user_keys.unlock(session, me, "tijdelijk-wachtwoord-1")


def test_r2_the_admin_who_reset_an_account_cannot_approve_the_recovery_of_its_dossiers(app, session, registered):
    """Review finding: one admin reset the password and the second factor, chose the 'own' password and, after a
    PAPSY's request, approved the recovery alone. The admin who reset the account never approves; another does."""
    from app.auth.accounts import note_reset_by
    from app.auth.own_password import choose_own_password

    me, admin = user(session, OMG_CONFIDANT), user(session, ADMIN)
    reset_password(session, me, "tijdelijk-wachtwoord-1")
    note_reset_by(session, me, admin, "password")  # as the admin's user page does
    private = choose_own_password(session, me, "gekozen-door-de-beheerder", "gekozen-door-de-beheerder")
    session.commit()
    task = request(session, OMG_PAPSY)
    with pytest.raises(RecoveryRefused, match="andere beheerder"):
        recovery_process.decide(session, admin, task.id, True, key_file(app))
    session.rollback()
    with pytest.raises(NeedsRecovery):
        dossiers.read(session, user(session, OMG_CONFIDANT), registered, private)
    other = ensure_user(session, "tweede.beheerder@gdpb.vlaanderen.example", "Tweede Beheerder", [Role.ADMIN])
    assert recovery_process.decide(session, other, task.id, True, key_file(app)) == 1
