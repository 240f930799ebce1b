"""The appointment through the web pages: start, refuse, review, roster (R10, R14)."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app.auth.accounts import ensure_user
from app.models import Confidant, ProcessInstance, Role, Task, TaskState
from tests.helpers import (ADMIN, OMG_PAPSY, OMG_SECRETARY, appointment_form, csrf_token, login, post_form, user)

CANDIDATE = "jana.vermeulen@omgeving.vlaanderen.example"


def start_appointment(client, **overrides):
    return post_form(client, "/processes/appointment/start", {"entity": "OMG", **appointment_form(**overrides)})


def test_r10_secretary_starts_papsy_approves_roster_shows(app, store):
    client = app.test_client()
    login(client, OMG_SECRETARY)
    response = start_appointment(client)
    assert response.status_code == 302 and "/instances/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "Aanstelling nakijken" in page and "wacht op" in page

    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    inbox = papsy.get("/inbox").get_data(as_text=True)
    task_url = re.search(r'href="(/tasks/\d+)">Aanstelling nakijken', inbox).group(1)
    review_page = papsy.get(task_url).get_data(as_text=True)
    assert "Jana Vermeulen" in review_page and "EOC/2026/17" in review_page
    done = papsy.post(task_url, data={"decision": "approve", "csrf_token": csrf_token(review_page)})
    assert done.status_code == 302

    roster = papsy.get("/roster/").get_data(as_text=True)
    assert "Jana Vermeulen" in roster
    assert store.scalar(select(func.count()).select_from(Confidant).where(Confidant.name == "Jana Vermeulen")) == 1


def test_r10_missing_confirmation_says_which_and_why_and_keeps_the_values(app, store):
    client = app.test_client()
    login(client, OMG_SECRETARY)
    response = start_appointment(client, not_union_delegate=False, candidate_name="Piet Janssens")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "vakbondsafvaardiging kan geen vertrouwenspersoon zijn" in page
    assert 'value="Piet Janssens"' in page
    assert store.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_send_back_shows_the_reason_to_the_secretary(app):
    secretary, papsy = app.test_client(), app.test_client()
    login(secretary, OMG_SECRETARY)
    login(papsy, OMG_PAPSY)
    start_appointment(secretary)
    task_url = re.search(r'href="(/tasks/\d+)"', papsy.get("/inbox").get_data(as_text=True)).group(1)
    post_form(papsy, task_url, {"decision": "send_back", "send_back_reason": "Referentie ontbreekt"})
    inbox = secretary.get("/inbox").get_data(as_text=True)
    correct_url = re.search(r'href="(/tasks/\d+)">Aanstelling corrigeren', inbox).group(1)
    page = secretary.get(correct_url).get_data(as_text=True)
    assert "Referentie ontbreekt" in page and 'value="Jana Vermeulen"' in page


def test_second_completion_of_the_same_task_gets_a_clear_message(app, store):
    secretary, papsy = app.test_client(), app.test_client()
    login(secretary, OMG_SECRETARY)
    login(papsy, OMG_PAPSY)
    start_appointment(secretary)
    task_url = re.search(r'href="(/tasks/\d+)"', papsy.get("/inbox").get_data(as_text=True)).group(1)
    page = papsy.get(task_url).get_data(as_text=True)
    token = csrf_token(page)
    first = papsy.post(task_url, data={"decision": "send_back", "send_back_reason": "Nog na te kijken",
                                       "csrf_token": token})
    second = papsy.post(task_url, data={"decision": "approve", "csrf_token": token}, follow_redirects=True)
    assert first.status_code == 302
    assert "al afgewerkt" in second.get_data(as_text=True)
    assert store.scalar(select(func.count()).select_from(Confidant).where(Confidant.name == "Jana Vermeulen")) == 0
    assert store.scalar(select(func.count()).select_from(Task).where(Task.state == TaskState.COMPLETED)) == 2


def test_inbox_lists_step_process_since_and_due(app):
    secretary, papsy = app.test_client(), app.test_client()
    login(secretary, OMG_SECRETARY)
    login(papsy, OMG_PAPSY)
    start_appointment(secretary)
    inbox = papsy.get("/inbox").get_data(as_text=True)
    for text in ("Aanstelling nakijken", "Aanstelling vertrouwenspersoon", "Departement Omgeving", "Sinds",
                 "Uiterlijk", "geen termijn", "Jana Vermeulen"):
        assert text in inbox


def test_f9_the_secretary_is_told_why_an_admin_cannot_be_appointed(app, store):
    client = app.test_client()
    login(client, OMG_SECRETARY)
    response = start_appointment(client, candidate_email=ADMIN)
    assert response.status_code == 422
    assert "Een beheerder kan geen vertrouwenspersoon zijn" in response.get_data(as_text=True)
    assert store.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_f9_the_papsy_sees_that_the_candidate_can_no_longer_be_appointed(app, store):
    secretary, papsy = app.test_client(), app.test_client()
    login(secretary, OMG_SECRETARY)
    start_appointment(secretary)
    ensure_user(store, CANDIDATE, "Jana Vermeulen", [Role.ADMIN])  # meanwhile the candidate became an admin
    store.commit()
    login(papsy, OMG_PAPSY)
    task_url = re.search(r'href="(/tasks/\d+)">Aanstelling nakijken', papsy.get("/inbox").get_data(as_text=True)).group(1)
    page = papsy.get(task_url).get_data(as_text=True)
    assert "Deze kandidaat kan niet aangesteld worden" in page and "beheerder van het platform" in page
    refused = papsy.post(task_url, data={"decision": "approve", "csrf_token": csrf_token(page)})
    assert refused.status_code == 422 and "Deze aanstelling kan niet goedgekeurd worden" in refused.get_data(as_text=True)
    store.expire_all()
    assert store.scalar(select(func.count()).select_from(Confidant)) == 4, "only the demo confidants"
    assert user(store, CANDIDATE).roles == {Role.ADMIN}
