"""Confidential processes (a model whose BPMN declares visibility "participants": the delicate case, the key
recovery) are seen only by their participants; an admin sees that one exists, its status and incident; the
employer side (the EOC secretary) sees nothing of it, in lists, pages, the API, counts or mail."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.accounts import create_api_token
from app.engine import registry
from app.engine.errors import ModelInvalid
from app.models import OutboxMessage, Task, TaskState
from tests.helpers import (
    ADMIN,
    AWV_PAPSY,
    NO_TASKS,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    delicate_case,
    login,
    user,
)
from workers.jobs import notify_tasks


def signed_in(app, store, email: str):
    client = app.test_client()
    login(client, email)
    headers = {"Authorization": f"Bearer {create_api_token(store, user(store, email))}"}
    store.commit()
    return client, headers


def test_f4_the_eoc_secretary_sees_nothing_of_a_delicate_case(app, store):
    dossier_id, instance_id = delicate_case(store)
    notify_tasks()  # the "new task" mails of the case, as the worker sends them
    confidant_name = user(store, OMG_CONFIDANT).name
    client, headers = signed_in(app, store, OMG_SECRETARY)
    for page in ("/instances", "/inbox"):
        html = client.get(page).get_data(as_text=True)
        for leak in ("Delicate zaak", f"/instances/{instance_id}", f"Dossier {dossier_id}", confidant_name):
            assert leak not in html, (page, leak)
    assert "Nog geen processen." in client.get("/instances").get_data(as_text=True), "not even a count of rows"
    assert client.get(f"/instances/{instance_id}").status_code == 403
    assert client.get(f"/api/v1/process-instances/{instance_id}", headers=headers).status_code == 403
    assert client.get("/api/v1/tasks", headers=headers).get_json() == NO_TASKS
    recipients = set(store.scalars(select(OutboxMessage.to_address).where(OutboxMessage.instance_id == instance_id)))
    assert recipients == {OMG_PAPSY}, "only who may take the case up hears of it"


def test_f4_an_admin_sees_that_a_delicate_case_exists_and_its_status_nothing_more(app, store):
    dossier_id, instance_id = delicate_case(store)
    confidant_name = user(store, OMG_CONFIDANT).name
    client, headers = signed_in(app, store, ADMIN)
    listing = client.get("/instances").get_data(as_text=True)
    assert f"/instances/{instance_id}" in listing and "vertrouwelijk" in listing
    page = client.get(f"/instances/{instance_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "lopend" in html
    for leak in (f"Dossier {dossier_id}", confidant_name, "Geschiedenis", "Samenvatting voor de PAPSY schrijven",
                 "Delicate zaak opnemen"):
        assert leak not in listing and leak not in html, leak
    body = client.get(f"/api/v1/process-instances/{instance_id}", headers=headers).get_json()
    assert body == {"id": instance_id, "status": "running", "model": "delicate_case", "incident": None}


def test_the_confidant_and_the_papsy_who_may_take_it_up_see_the_whole_case(app, store):
    dossier_id, instance_id = delicate_case(store)
    for email in (OMG_CONFIDANT, OMG_PAPSY):
        client, headers = signed_in(app, store, email)
        assert f"Dossier {dossier_id}" in client.get("/instances").get_data(as_text=True), email
        assert "Geschiedenis" in client.get(f"/instances/{instance_id}").get_data(as_text=True), email
        body = client.get(f"/api/v1/process-instances/{instance_id}", headers=headers).get_json()
        assert body["subject"] == f"Dossier {dossier_id}" and body["history"], email


def test_once_taken_up_the_other_papsy_of_the_entity_no_longer_sees_the_case(app, store):
    """Had a task, has a task, may complete an open one: the PAPSY who was only a candidate is no participant."""
    _dossier_id, instance_id = delicate_case(store)
    task = store.scalar(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY))
    task.assignee_id = user(store, AWV_PAPSY).id  # taken up by a PAPSY of another entity once offered to all
    store.commit()
    client, _headers = signed_in(app, store, OMG_PAPSY)
    assert client.get(f"/instances/{instance_id}").status_code == 403


def test_the_delicate_case_and_the_key_recovery_declare_themselves_confidential(store):
    from app.models.process import Visibility

    for key in ("delicate_case", "key_recovery"):
        assert registry.current_version(store, key).visibility == Visibility.PARTICIPANTS
    assert registry.current_version(store, "appointment").visibility == Visibility.ENTITY


def test_an_unknown_visibility_is_refused_by_the_model_checks(store):
    version = registry.current_version(store, "key_recovery")
    files = {name: xml.replace('value="participants"', 'value="everyone"') for name, xml in version.bpmn_files.items()}
    with pytest.raises(ModelInvalid) as refused:
        registry.deploy(store, "key_recovery", files, version.forms)
    assert any("zichtbaarheid 'everyone' is onbekend (kies entity, participants)" in problem
               for problem in refused.value.problems)


def test_f4_the_outbox_shows_an_admin_only_that_a_mail_about_a_delicate_case_exists(app, store):
    from app.auth.setup_links import issue
    from app.mail.outbox import queue_mail

    _, instance_id = delicate_case(store)
    notify_tasks()
    about_case = store.scalar(select(OutboxMessage).where(OutboxMessage.instance_id == instance_id))
    confidant = user(store, OMG_CONFIDANT)
    link = f"/setup/{issue(store, confidant)}"
    setup = queue_mail(store, confidant.email, "setup_link", "setup_link",
                       {"name": confidant.name, "link": "http://127.0.0.1:5000" + link, "hours": 72})
    store.commit()
    admin, _ = signed_in(app, store, ADMIN)
    listing = admin.get("/admin/outbox").get_data(as_text=True)
    assert about_case.subject not in listing and "Bericht over een vertrouwelijk proces" in listing
    page = admin.get(f"/admin/outbox/{about_case.id}").get_data(as_text=True)
    assert about_case.subject not in page and about_case.body.splitlines()[2] not in page
    assert OMG_PAPSY in page, "the delivery stays visible: recipient and status"
    held_setup = admin.get(f"/admin/outbox/{setup.id}").get_data(as_text=True)
    assert confidant.name in held_setup and link not in held_setup, "whoever holds the link chooses the password"


def test_f4_the_timers_page_shows_an_admin_neither_when_nor_which_deadline_of_a_delicate_case(app, store):
    """Review finding: /admin/timers showed the escalation's reminder and offer times (so when it started)."""
    from app.models import Timer

    _, instance_id = delicate_case(store)
    timer = store.scalar(select(Timer).where(Timer.instance_id == instance_id).limit(1))
    store.commit()
    admin, _ = signed_in(app, store, ADMIN)
    page = admin.get("/admin/timers").get_data(as_text=True)
    assert f"/instances/{instance_id}" in page and "vertrouwelijk proces" in page, "it exists, and waits"
    assert timer.spec_name not in page and f"/admin/timers/{timer.id}/fire-now" not in page
    page = admin.get("/admin/timers").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert admin.post(f"/admin/timers/{timer.id}/fire-now", data={"csrf_token": token}).status_code == 403
