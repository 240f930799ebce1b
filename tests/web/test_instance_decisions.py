"""The instance page shows what each closed task decided (its form's values, read-only), by whom and when, to those
who see the whole instance; its starter sees what they submitted. Nothing of it reaches anyone else."""
from __future__ import annotations

from datetime import datetime, timezone

import time_machine
from sqlalchemy import select

from app.models import Task, TaskState
from app.workflow import services
from tests.helpers import (
    ADMIN,
    AWV_SECRETARY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    appointment_data,
    delicate_case,
    entity,
    login,
    ready_task,
    user,
)

SENT_BACK_AT = datetime(2026, 12, 2, 13, 5, tzinfo=timezone.utc)


def sent_back_and_approved(store) -> int:
    """An appointment the PAPSY sent back with a reason, the secretary corrected, and the PAPSY then approved."""
    secretary, papsy = user(store, OMG_SECRETARY), user(store, OMG_PAPSY)
    instance = services.start_process(store, secretary, "appointment", entity(store, "OMG"),
                                      appointment_data(candidate_name="Jana Vermeulenn"))
    with time_machine.travel(SENT_BACK_AT, tick=False):
        services.complete_task(store, papsy, ready_task(store, "review_appointment").id,
                               {"decision": "send_back", "send_back_reason": "Naam verkeerd gespeld"})
    services.complete_task(store, secretary, ready_task(store, "correct_appointment").id,
                           appointment_data(candidate_name="Jana Vermeulen"))
    services.complete_task(store, papsy, ready_task(store, "review_appointment").id, {"decision": "approve"})
    store.commit()
    return instance.id


def test_closed_tasks_show_what_was_decided_by_whom_and_when(app, client, store):
    instance_id = sent_back_and_approved(store)
    login(client, OMG_PAPSY)
    html = client.get(f"/instances/{instance_id}").get_data(as_text=True)
    decided = html[html.index("Wat werd beslist"):html.index("Geschiedenis")]
    assert decided.count("Aanstelling nakijken") == 2
    assert "Terugsturen naar de EOC-secretaris" in decided and "Goedkeuren: de kandidaat komt op de lijst" in decided
    assert f'Door u, op <time datetime="{SENT_BACK_AT.isoformat()}">' in decided
    assert "Door Ingrid Verhaegen, op" in decided and "Jana Vermeulenn" in decided and "Jana Vermeulen<" in decided
    # The second review inherited the first one's reason; it did not give it, so it does not show it.
    assert decided.count("Naam verkeerd gespeld") == 1


def test_the_starter_sees_what_they_submitted(app, client, store):
    instance_id = services.start_process(store, user(store, OMG_SECRETARY), "appointment", entity(store, "OMG"),
                                         appointment_data()).id
    store.commit()
    login(client, OMG_SECRETARY)
    html = client.get(f"/instances/{instance_id}").get_data(as_text=True)
    submitted = html[html.index("Wat werd beslist"):html.index("Geschiedenis")]
    assert "Aanstelling indienen" in submitted and "Door u, op" in submitted
    for label, value in (("Naam van de kandidaat", "Jana Vermeulen"), ("Functie", "Beleidsmedewerker"),
                         ("Referentie van het EOC-besluit", "EOC/2026/17")):
        assert f"<dt>{label}</dt>" in submitted and value in submitted, label


def test_a_confidential_instances_decisions_reach_its_participants_only(app, store):
    _dossier_id, instance_id = delicate_case(store)
    take_up = store.scalar(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY))
    services.complete_task(store, user(store, OMG_PAPSY), take_up.id,
                           {"consulted_on": "2026-11-30", "advice": "formal_procedure"})
    store.commit()
    advice = "De formele procedure voorstellen aan de verzoeker"
    pages = {}
    for email in (OMG_CONFIDANT, ADMIN, AWV_SECRETARY):
        client = app.test_client()
        login(client, email)
        pages[email] = client.get(f"/instances/{instance_id}")
    confidant = pages[OMG_CONFIDANT].get_data(as_text=True)
    assert "Wat werd beslist" in confidant and "Door Luc Van den Broeck, op" in confidant
    assert advice not in confidant, "the advice is sealed, never workflow data: her dossier page shows it"
    assert pages[ADMIN].status_code == 200 and pages[AWV_SECRETARY].status_code == 403
    for email in (ADMIN, AWV_SECRETARY):
        html = pages[email].get_data(as_text=True)
        for leak in ("Wat werd beslist", advice, "Gegeven advies", "Luc Van den Broeck", "Delicate zaak opnemen"):
            assert leak not in html, (email, leak)
