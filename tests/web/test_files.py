"""Uploaded certificates: the uploader and the PAPSY of the uploader's entity open them; nobody else; a task's form
carries only its own uploads."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.accounts import find_user
from app.models import StoredFile, Task
from tests.helpers import ADMIN, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, login

PDF = b"%PDF-1.4\n% attest basisopleiding\n"


@pytest.fixture
def certificate(store):
    stored = StoredFile(sha256="0" * 64, size=len(PDF), mimetype="application/pdf", content=PDF,
                        uploaded_by_id=find_user(store, OMG_CONFIDANT).id)
    store.add(stored)
    store.commit()
    return stored.id


@pytest.mark.parametrize("email, status", [(OMG_CONFIDANT, 200), (OMG_PAPSY, 200), (AWV_PAPSY, 403),
                                           (OMG_SECRETARY, 403), (ADMIN, 403)])
def test_who_may_open_a_certificate(app, certificate, email, status):
    client = app.test_client()
    login(client, email)
    response = client.get(f"/files/{certificate}")
    assert response.status_code == status
    if status == 200:
        assert response.data == PDF and response.mimetype == "application/pdf"
        assert "sandbox" in response.headers["Content-Security-Policy"]


# F6: a file field carries only a file uploaded by the same user for this task, or one kept from an earlier pass
# of the same task; another confidant's certificate, a file of another task, an unknown id or a malformed
# reference is refused with 422 and a message on the field, on the web and through the API, and nothing is saved.
CANDIDATE = "jana.vermeulen@omgeving.vlaanderen.example"
REFUSED = "Dit bestand hoort niet bij deze taak"


@pytest.fixture
def jana(app, store, client):
    """Jana appointed through the API, with a password and a token: her certificate upload task waits."""
    from app.auth.accounts import create_api_token, set_password
    from tests.helpers import appointment_data

    tokens = {email: {"Authorization": f"Bearer {create_api_token(store, find_user(store, email))}"}
              for email in (OMG_SECRETARY, OMG_PAPSY)}
    store.commit()
    started = client.post("/api/v1/process-instances", headers=tokens[OMG_SECRETARY],
                          json={"model": "appointment", "entity": "OMG", "data": appointment_data()}).get_json()
    review = started["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{review}/complete", headers=tokens[OMG_PAPSY],
                       json={"data": {"decision": "approve"}}).status_code == 200
    account = find_user(store, CANDIDATE)
    set_password(account, "jana-haar-wachtwoord")
    tokens[CANDIDATE] = {"Authorization": f"Bearer {create_api_token(store, account)}"}
    store.commit()
    return tokens


def _upload_task(store):
    from tests.helpers import ready_task

    return ready_task(store, "upload_certificate")


def _store(store, uploader: str, task_id: int | None) -> str:
    stored = StoredFile(sha256="0" * 64, size=len(PDF), mimetype="application/pdf", content=PDF,
                        uploaded_by_id=find_user(store, uploader).id, task_id=task_id)
    store.add(stored)
    store.commit()
    return f"file:{stored.id}"


def _complete(client, headers, task_id: int, certificate: str):
    return client.post(f"/api/v1/tasks/{task_id}/complete", headers=headers,
                       json={"data": {"training_completed_on": "2027-05-20", "certificate": certificate}})


def _files(store) -> int:
    store.expire_all()
    return store.query(StoredFile).count()


@pytest.mark.parametrize("reference", ["sofie", "own of another task", "file:999999", "file:abc", "/files/1"])
def test_f6_the_api_refuses_a_file_that_is_not_of_this_task(app, store, client, jana, certificate, reference):
    task = _upload_task(store)
    if reference == "sofie":
        reference = f"file:{certificate}"
    elif reference == "own of another task":
        reference = _store(store, CANDIDATE, store.scalar(select(Task.id).where(Task.spec_name == "review_appointment")))
    files_before = _files(store)
    response = _complete(client, jana[CANDIDATE], task.id, reference)
    assert response.status_code == 422
    assert REFUSED in response.get_json()["errors"]["certificate"]
    assert _upload_task(store).id == task.id and _files(store) == files_before, "nothing saved"


def test_f6_the_web_form_refuses_another_confidants_certificate(app, store, jana, certificate):
    from tests.helpers import csrf_token, login

    task = _upload_task(store)
    web = app.test_client()
    login(web, CANDIDATE, "jana-haar-wachtwoord")
    page = web.get(f"/tasks/{task.id}").get_data(as_text=True)
    response = web.post(f"/tasks/{task.id}", data={"csrf_token": csrf_token(page), "training_completed_on": "2027-05-20",
                                                   "certificate": f"file:{certificate}"})
    assert response.status_code == 422 and REFUSED in response.get_data(as_text=True)
    assert f"/files/{certificate}" not in response.get_data(as_text=True), "the refused reference is not shown back"
    assert _upload_task(store).id == task.id and _files(store) == 1


def test_f6_own_upload_accepted_and_kept_after_a_rejection_on_the_web_and_the_api(app, store, client, jana):
    from tests.helpers import csrf_token, login

    first = _upload_task(store)
    own = _store(store, CANDIDATE, first.id)
    assert _complete(client, jana[CANDIDATE], first.id, own).status_code == 200, "her own upload for this task"
    _reject(client, store, jana)

    again = _upload_task(store)
    web = app.test_client()
    login(web, CANDIDATE, "jana-haar-wachtwoord")
    page = web.get(f"/tasks/{again.id}").get_data(as_text=True)
    assert "blijft behouden" in page and f'value="{own}"' in page, "the earlier upload is offered to keep"
    kept = web.post(f"/tasks/{again.id}", data={"csrf_token": csrf_token(page), "training_completed_on": "2027-05-21",
                                                "certificate": own})
    assert kept.status_code == 302 and _files(store) == 1
    _reject(client, store, jana)

    assert _complete(client, jana[CANDIDATE], _upload_task(store).id, own).status_code == 200, "kept through the API"
    assert _upload_task(store) is None and _files(store) == 1


def _reject(client, store, jana) -> None:
    review = store.scalar(select(Task.id).where(Task.spec_name == "review_certificate", Task.state == "ready"))
    assert client.post(f"/api/v1/tasks/{review}/complete", headers=jana[OMG_PAPSY], json={"data": {
        "decision": "reject", "rejection_reason": "De datum klopt niet"}}).status_code == 200
