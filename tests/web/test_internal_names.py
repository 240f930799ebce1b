"""Issue 9, defect 3: users never see the platform's internal names. Every page a role reaches in a platform in use
(tests.helpers.lived_in: an appointment done, a delicate case reminded and offered, mails of several kinds) is read
as a person reads it, and fails on a rule code ("(R9)"), an identifier (a timer's id such as reminder_6m, a mail
kind such as delicate_reminder), a path shown as text ("(/dossiers/2)") or a space before a comma (issue 9, defect
7). Dossier pages are the dossier area's (tests/web/test_dossier_pages.py)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.models import OutboxMessage, Task, TaskState, Timer, User
from tests.helpers import (
    ADMIN,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    csrf_token,
    lived_in,
    login,
    visible_text,
)

RULE_CODE = re.compile(r"\bR\d{1,2}\b")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
PATH_AS_TEXT = re.compile(r"(?<![\w.])/[a-z]+/\d+")
STRAY_SPACE = re.compile(r"\w \,")


def pages_of(role: str, ids: dict, store) -> list[str]:
    take_up = store.scalar(select(Task.id).where(Task.instance_id == ids["delicate_case"],
                                                 Task.state == TaskState.READY))
    sofie = store.scalar(select(User.id).where(User.email == OMG_CONFIDANT))
    mails = [f"/admin/outbox/{i}" for i in store.scalars(select(OutboxMessage.id))]
    return {
        "confidant": ["/inbox", "/instances", f"/instances/{ids['delicate_case']}", "/roster/", "/account/password"],
        "papsy": ["/inbox", "/instances", f"/instances/{ids['appointment']}", f"/instances/{ids['delicate_case']}",
                  f"/tasks/{take_up}", "/roster/?status=all", "/roster/?status=sleeping"],
        "secretary": ["/inbox", "/instances", f"/instances/{ids['appointment']}", "/processes/appointment/start",
                      "/roster/", "/roster/?status=former"],
        "admin": ["/admin/", "/admin/timers", "/admin/outbox", *mails, f"/admin/users/{sofie}", "/admin/users/new",
                  "/instances", f"/instances/{ids['delicate_case']}", "/roster/?entity=XYZ"],
    }[role]


def leaks(text: str, internal: set[str]) -> list[str]:
    found = RULE_CODE.findall(text) + IDENTIFIER.findall(text) + PATH_AS_TEXT.findall(text)
    return found + [name for name in internal if re.search(rf"\b{re.escape(name)}\b", text)]


@pytest.mark.parametrize("role, email", [("confidant", OMG_CONFIDANT), ("papsy", OMG_PAPSY),
                                         ("secretary", OMG_SECRETARY), ("admin", ADMIN)])
def test_no_page_shows_a_rule_code_an_identifier_or_a_path_as_text(app, store, role, email):
    ids = lived_in(store)
    internal = set(store.scalars(select(Timer.spec_name))) | set(store.scalars(select(OutboxMessage.kind)))
    assert {"reminder_6m", "deadline_passed", "remind", "offer"} <= internal, "the timers the pages could show"
    assert {"delicate_reminder", "delicate_offered", "task_assigned"} <= internal, "the mails the outbox shows"
    client = app.test_client()
    login(client, email)
    found = {}
    for url in pages_of(role, ids, store):
        response = client.get(url)
        assert response.status_code in (200, 403, 422), (url, response.status_code)
        text = visible_text(response.get_data(as_text=True))
        found[url] = leaks(text, internal) + STRAY_SPACE.findall(text)
    assert {url: names for url, names in found.items() if names} == {}


def test_the_instance_page_names_its_waiting_timers_in_words(app, store):
    ids = lived_in(store)
    training = store.scalar(select(Timer.instance_id).where(Timer.spec_name == "reminder_6m"))
    client = app.test_client()
    login(client, OMG_PAPSY)
    text = visible_text(client.get(f"/instances/{training}").get_data(as_text=True))
    assert "6 maanden voor de termijn" in text and not leaks(text, {"reminder_6m", "deadline_passed"}), ids


def test_the_fire_now_question_names_the_timer_in_words(app, store):
    """The page that asks a browser without JavaScript to confirm "Nu laten afgaan"."""
    lived_in(store)
    timer = store.scalar(select(Timer).where(Timer.spec_name == "reminder_6m"))
    client = app.test_client()
    login(client, ADMIN)
    token = csrf_token(client.get("/admin/timers").get_data(as_text=True))
    page = client.post(f"/admin/timers/{timer.id}/fire-now", data={"csrf_token": token})
    text = visible_text(page.get_data(as_text=True))
    assert "6 maanden voor de termijn" in text and "Attest basisopleiding opladen" in text
    assert leaks(text, {"reminder_6m", "upload_certificate"}) == []
