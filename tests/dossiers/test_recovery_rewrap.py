"""Recovery re-wraps a dossier's key with the same sealing contexts as the dossier services read it with."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.crypto import user_keys
from app.dossiers import recovery_process
from app.dossiers import services as dossiers
from app.models import Task, TaskState
from app.workflow import services as workflow
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, entity, user


def recover_the_confidants_dossiers(app, session) -> None:
    """The OMG PAPSY asks, an admin approves with the recovery key: one dossier of the confidant is re-wrapped."""
    workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", entity(session, "OMG"),
                           {"kind": "password_reset", "confidant_email": OMG_CONFIDANT})
    session.commit()
    task = session.scalar(select(Task).where(Task.spec_name == "approve_recovery", Task.state == TaskState.READY))
    key_file = app.config["TEST_RECOVERY_KEY_FILE"].read_bytes()
    assert recovery_process.decide(session, user(session, ADMIN), task.id, True, key_file) == 1
    session.commit()


def test_a_dossier_sealed_by_the_services_and_rewrapped_by_recovery_opens_with_the_new_key(app, session):
    """Registered (services wrap the key), re-wrapped for a new key pair by the recovery process, read again by
    the services: the requester and the note open."""
    me = user(session, OMG_CONFIDANT)
    dossier_id = dossiers.register(session, me, {
        "opened_on": date(2026, 11, 2), "requester": "R.S.", "themes": ["conflict"], "persons": ["colleague"],
        "interventions": ["listening"], "note": "Gesprek."}).id
    new_private = user_keys.create_for(session, me, "eigen-nieuw-wachtwoord")
    recover_the_confidants_dossiers(app, session)
    opened = dossiers.read(session, user(session, OMG_CONFIDANT), dossier_id, new_private)
    assert (opened.requester, [note.text for note in opened.notes]) == ("R.S.", ["Gesprek."])


def test_r2_recovery_opens_a_delicate_dossiers_summary_and_consultation_with_the_new_key_too(app, session):
    """After a reset and the recovery, the confidant reads not only her delicate dossier again but also the
    summary she wrote for the PAPSY and the consultation the PAPSY recorded (each sealed under its own key)."""
    from app.dossiers import consultation, escalation
    from app.models.dossiers import Dossier, ReaderKind
    from tests.helpers import delicate_case

    dossier_id, _instance_id = delicate_case(session, "Samenvatting voor de PAPSY")
    consultation.record(session, user(session, OMG_PAPSY), session.get(Dossier, dossier_id),
                        {"consulted_on": "2026-11-03", "advice": "Advies van de PAPSY"})
    me = user(session, OMG_CONFIDANT)
    new_private = user_keys.create_for(session, me, "eigen-nieuw-wachtwoord")  # the old key is gone
    recover_the_confidants_dossiers(app, session)
    me = user(session, OMG_CONFIDANT)
    assert escalation.read_summary(session, me, dossier_id, new_private, "owner") == "Samenvatting voor de PAPSY"
    consulted = consultation.read(session, me, dossier_id, new_private, ReaderKind.OWNER)
    assert (consulted.sealed, consulted.advice) == (False, "Advies van de PAPSY")
