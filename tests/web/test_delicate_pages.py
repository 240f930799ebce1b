"""The delicate case (R9) through the web: started from a dossier only, the summary in one step, the PAPSY's
take-up naming the confidant and refusing a consultation in the future, the consultation on the dossier."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from app.models import ProcessInstance, Task, TaskState
from tests.helpers import OMG_CONFIDANT, csrf_token, login, post_form, ready_task

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
