"""M27 on the pages: the confidant sees when a closed dossier will be shredded, and a shredded one as "Vernietigd op"
with its categorical facts only (it has no key left: never a 500); a shredded dossier can no longer be recovered, and
the two-person recovery says so."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.dossiers import recovery_process
from app.dossiers.recovery_process import RecoveryRefused
from app.engine.errors import InvalidData
from app.models import AuditEntry, Dossier, Task, TaskState
from app.retention import services
from app.workflow import services as workflow
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, csrf_token, entity, login, user
from tests.retention.support import CANARY, KOEN, at


@pytest.fixture
def one_shredded(session, closed, time_machine) -> dict[str, int]:
    """In 2031: the delicate dossier shredded, the plain one closed and kept (its shredding date ahead)."""
    time_machine.move_to(at("2031-10-01", 10))
    services.shred(session, session.get(Dossier, closed["delicate"]))
    session.commit()
    return closed


def test_m27_the_confidant_sees_the_shredding_date_and_a_shredded_dossiers_facts_only(app, one_shredded):
    delicate, plain = one_shredded["delicate"], one_shredded["plain"]
    client = app.test_client()
    login(client, OMG_CONFIDANT)
    listed = client.get("/dossiers").get_data(as_text=True)
    assert "afgesloten op 30 nov. 2026; vernietiging op 30 nov. 2031" in listed
    assert "afgesloten op 30 nov. 2026, vernietigd op 1 okt. 2031" in listed
    kept = client.get(f"/dossiers/{plain}").get_data(as_text=True)
    assert "op 30 nov. 2031 (bewaartermijn: 5 jaar na het afsluiten)" in kept and CANARY in kept
    page = client.get(f"/dossiers/{delicate}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Vernietigd op 1 okt. 2031" in html
    assert "Ongewenst seksueel gedrag" in html and "Een groep" in html, "the categorical facts stay"
    assert CANARY not in html and "Notitie bewaren" not in html and "Gegevens bewerken" not in html
    edit = client.get(f"/dossiers/{delicate}/edit")
    assert edit.status_code == 302 and edit.location.endswith(f"/dossiers/{delicate}")
    note = client.post(f"/dossiers/{delicate}/notes", data={"note": "Nog iets", "csrf_token": csrf_token(html)})
    assert note.status_code == 302
    assert "er kan niets meer aan gewijzigd" in client.get(note.location).get_data(as_text=True)
    closing = client.post(f"/dossiers/{delicate}/close", data={"closed_on": "2031-11-01", "outcome": "resolved",
                                                               "csrf_token": csrf_token(html)})
    assert closing.status_code == 302


def test_m27_a_shredded_dossier_is_not_recovered_and_the_recovery_says_so(app, session, one_shredded):
    delicate, plain = one_shredded["delicate"], one_shredded["plain"]
    omg, papsy = entity(session, "OMG"), user(session, OMG_PAPSY)
    with pytest.raises(InvalidData) as refused:  # a hand-over of a shredded dossier is not even requested
        workflow.start_process(session, papsy, "key_recovery", omg, {
            "kind": "handover", "confidant_email": OMG_CONFIDANT, "new_confidant_email": KOEN,
            "dossier_id": delicate, "consent_on": "2031-10-20"})
    assert "vernietigd" in refused.value.errors["dossier_id"]
    session.rollback()
    workflow.start_process(session, papsy, "key_recovery", omg, {  # asked before the plain one was shredded
        "kind": "handover", "confidant_email": OMG_CONFIDANT, "new_confidant_email": KOEN, "dossier_id": plain,
        "consent_on": "2031-10-20"})
    session.commit()
    services.shred(session, session.get(Dossier, plain))
    session.commit()
    task = session.scalar(select(Task).where(Task.spec_name == "approve_recovery", Task.state == TaskState.READY))
    key_file = app.config["TEST_RECOVERY_KEY_FILE"].read_bytes()
    with pytest.raises(RecoveryRefused, match="niets te herstellen"):
        recovery_process.decide(session, user(session, ADMIN), task.id, True, key_file)
    session.rollback()

    client = app.test_client()  # on the web: a message, never a 500, and nothing changed
    login(client, ADMIN)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    answer = client.post(f"/recovery/tasks/{task.id}", data={"decision": "approve", "csrf_token": csrf_token(page),
                                                              "key_file": (app.config["TEST_RECOVERY_KEY_FILE"].open(
                                                                  "rb"), "recovery.pem")})
    assert answer.status_code == 302 and "niets te herstellen" in client.get(answer.location).get_data(as_text=True)
    session.expire_all()
    assert session.get(Task, task.id).state == TaskState.READY
    assert "recover" not in session.scalars(select(AuditEntry.action)).all()


def test_m27_a_password_reset_recovery_skips_the_shredded_dossiers(app, session, one_shredded):
    workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", entity(session, "OMG"),
                           {"kind": "password_reset", "confidant_email": OMG_CONFIDANT})
    session.commit()
    task = session.scalar(select(Task).where(Task.spec_name == "approve_recovery", Task.state == TaskState.READY))
    key_file = app.config["TEST_RECOVERY_KEY_FILE"].read_bytes()
    assert recovery_process.decide(session, user(session, ADMIN), task.id, True, key_file) == 1, "the kept one only"
    recovered = session.scalars(select(AuditEntry.dossier_id).where(AuditEntry.action == "recover")).all()
    assert recovered == [one_shredded["plain"]]
