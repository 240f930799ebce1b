"""The admin outbox pages: the list (newest first) and one message's full text, for admins only."""
from __future__ import annotations

import pytest

from app.mail import queue_mail
from tests.helpers import ADMIN, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, login

REMINDER = {"what": "Basisopleiding afronden", "due_date": "31-12-2026", "process": "Basisopleiding",
            "entity": "Departement Omgeving", "task_id": None}


@pytest.fixture
def messages(app, store):
    first = queue_mail(store, OMG_CONFIDANT, "reminder", "reminder", REMINDER)
    second = queue_mail(store, OMG_PAPSY, "certificate_rejected", "certificate_rejected",
                        {"reason": "Geen datum", "process": "Basisopleiding", "entity": "OMG", "task_id": 3})
    store.commit()
    return first.id, second.id


def test_the_admin_reads_the_outbox_newest_first(app, messages):
    client = app.test_client()
    login(client, ADMIN)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert page.index(OMG_PAPSY) < page.index(OMG_CONFIDANT), "newest first"
    assert "Herinnering: Basisopleiding afronden (uiterlijk 31-12-2026)" in page and "vastgehouden" in page
    assert f'href="/admin/outbox/{messages[1]}"' in page
    assert 'href="/admin/outbox"' in client.get("/admin/").get_data(as_text=True)
    detail = client.get(f"/admin/outbox/{messages[0]}").get_data(as_text=True)
    assert "Wat:       Basisopleiding afronden" in detail and "http://127.0.0.1:5000/inbox" in detail
    assert client.get("/admin/outbox/999999").status_code == 404


def test_the_outbox_in_english(app, messages):
    client = app.test_client()
    login(client, ADMIN)
    client.post("/language", data={"lang": "en", "next": "/admin/outbox",
                                   "csrf_token": _csrf(client)})
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Outgoing e-mail" in page and "held" in page and "Attempts" in page


@pytest.mark.parametrize("email", [OMG_CONFIDANT, OMG_SECRETARY, OMG_PAPSY, AWV_PAPSY])
def test_others_may_not_read_the_outbox(app, messages, email):
    client = app.test_client()
    login(client, email)
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{messages[0]}").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(app, messages):
    response = app.test_client().get(f"/admin/outbox/{messages[0]}")
    assert response.status_code == 302 and response.location.startswith("/login")


def _csrf(client) -> str:
    from tests.helpers import csrf_token

    return csrf_token(client.get("/inbox").get_data(as_text=True))
