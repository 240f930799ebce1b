"""The delicate case (R9) through the web: started from a dossier only, the summary in one step, the PAPSY's
take-up naming the confidant and refusing a consultation in the future, the consultation on the dossier."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.models import Consultation, ProcessInstance, Task, TaskState
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, csrf_token, delicate_case, login, post_form, ready_task

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
SUMMARY = "Samenvatting-kanarie: verzoekster meldt ongewenst gedrag"
DELICATE = {"opened_on": "2026-11-02", "requester": "Kanarie Verzoeker", "themes": "sexual_harassment",
            "persons": "colleague", "interventions": "listening"}


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def confidant(client, clock):
    login(client, OMG_CONFIDANT)
    return client


def register_delicate(client) -> int:
    response = post_form(client, "/dossiers/new", DELICATE)
    assert response.status_code == 302
    return int(response.location.rsplit("/", 1)[1])


def test_r9_a_case_started_from_a_dossier_is_not_offered_on_the_inbox_and_has_no_start_page(confidant, store):
    inbox = confidant.get("/inbox").get_data(as_text=True)
    assert "/processes/delicate_case/start" not in inbox and "Een proces starten" not in inbox
    assert confidant.get("/processes/delicate_case/start").status_code == 404
    posted = confidant.post("/processes/delicate_case/start",
                            data={"entity": "OMG", "summary_written": "true", "csrf_token": csrf_token(inbox)})
    assert posted.status_code == 404
    assert store.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_r9_the_summary_task_is_one_step_writing_the_summary_completes_it(confidant, store):
    register_delicate(confidant)
    task_id = ready_task(store, "write_summary").id
    page = confidant.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'type="checkbox"' not in page and "staat klaar" not in page, "no box to tick"
    assert '<textarea id="field-summary" name="summary"' in page
    response = confidant.post(f"/tasks/{task_id}", data={"summary": SUMMARY, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    store.expire_all()
    assert store.get(Task, task_id).state == TaskState.COMPLETED
    take_up = ready_task(store, "take_up")
    assert take_up is not None
    state = store.scalar(select(ProcessInstance.state_json).where(ProcessInstance.id == take_up.instance_id))
    assert "kanarie" not in state.lower(), "the summary is sealed, never in the workflow data"


def test_r9_an_empty_summary_comes_back_marked_and_nothing_moves(confidant, store):
    register_delicate(confidant)
    task_id = ready_task(store, "write_summary").id
    page = confidant.get(f"/tasks/{task_id}").get_data(as_text=True)
    response = confidant.post(f"/tasks/{task_id}", data={"summary": "  ", "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Er is een probleem" in html and 'aria-invalid="true"' in html
    assert ready_task(store, "write_summary").id == task_id and ready_task(store, "take_up") is None


def take_up_page(app, store, instance_id: int):
    """The OMG PAPSY logged in, on the take-up task of ``instance_id``: (client, task id, page)."""
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    store.expire_all()
    task_id = store.scalar(select(Task.id).where(Task.instance_id == instance_id, Task.spec_name == "take_up"))
    return papsy, task_id, papsy.get(f"/tasks/{task_id}").get_data(as_text=True)


def test_r9_a_consultation_in_the_future_is_refused_marked_and_the_input_kept(app, store, clock):
    _dossier_id, instance_id = delicate_case(store, SUMMARY)
    papsy, task_id, page = take_up_page(app, store, instance_id)
    response = papsy.post(f"/tasks/{task_id}", data={
        "consulted_on": "2026-12-01", "advice": "formal_procedure", "follow_up_on": "2026-12-15",
        "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Er is een probleem" in html and "kan niet in de toekomst liggen" in html
    assert re.search(r'<input[^>]*id="field-consulted_on"[^>]*aria-invalid="true"[^>]*value="2026-12-01"', html)
    assert re.search(r'value="formal_procedure"\s+checked', html) and 'value="2026-12-15"' in html, "input kept"
    store.expire_all()
    assert store.get(Task, task_id).state == TaskState.READY
    assert store.scalar(select(func.count()).select_from(Consultation)) == 0


def test_r9_the_take_up_names_the_confidant_and_her_dossier_then_shows_the_sealed_consultation(app, store, clock):
    dossier_id, instance_id = delicate_case(store, SUMMARY)
    papsy, task_id, page = take_up_page(app, store, instance_id)
    assert "Sofie Claes" in page and "Departement Omgeving" in page
    assert 'href="mailto:sofie.claes@omgeving.vlaanderen.example"' in page
    done = papsy.post(f"/tasks/{task_id}", data={
        "consulted_on": "2026-11-26", "advice": "formal_procedure", "follow_up_on": "2026-12-10",
        "csrf_token": csrf_token(page)})
    assert done.status_code == 302
    store.expire_all()
    state = store.scalar(select(ProcessInstance.state_json).where(ProcessInstance.id == instance_id))
    assert "formal_procedure" not in state and "2026-12-10" not in state, "what was agreed stays out of the workflow"
    assert "De formele procedure voorstellen" in papsy.get(f"/tasks/{task_id}").get_data(as_text=True)

    confidant = app.test_client()
    login(confidant, OMG_CONFIDANT)
    dossier = confidant.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    assert "Luc Van den Broeck" in dossier and "26 nov. 2026" in dossier and "10 dec. 2026" in dossier
    assert "De formele procedure voorstellen aan de verzoeker" in dossier


def test_r9_a_summary_refused_on_the_dossier_page_comes_back_marked_and_nothing_moves(confidant, store):
    dossier_id = register_delicate(confidant)
    page = confidant.get(f"/dossiers/{dossier_id}").get_data(as_text=True)
    response = confidant.post(f"/dossiers/{dossier_id}/summary",
                              data={"summary": "x" * 20001, "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert re.search(r'<textarea[^>]*id="field-summary"[^>]*aria-invalid="true"', response.get_data(as_text=True))
    assert ready_task(store, "write_summary") is not None and ready_task(store, "take_up") is None
