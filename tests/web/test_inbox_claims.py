"""Claim, release and hand over a task: who may (the policy), what each answers (web and API), the history and the
mail to the colleague. A refusal changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import HistoryEvent, OutboxMessage, Task
from app.workflow import claims
from tests.api_client import bearer
from tests.helpers import (
    AWV_PAPSY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_PAPSY_2,
    csrf_token,
    lane_task,
    login,
    user,
)


def holder(store, task_id: int) -> tuple[int | None, bool]:
    """(assignee id, taken by a person) of the task, read afresh."""
    store.expire_all()
    task = store.get(Task, task_id)
    result = (task.assignee_id, task.claimed_at is not None)
    store.rollback()
    return result


def history(store, task_id: int) -> list[tuple[str, str | None, str | None]]:
    """(kind, actor's name, detail) of the claim events of the task's instance."""
    instance_id = store.scalar(select(Task.instance_id).where(Task.id == task_id))
    rows = store.execute(select(HistoryEvent).where(
        HistoryEvent.instance_id == instance_id, HistoryEvent.kind.in_(["claimed", "released", "assigned"]))
        .order_by(HistoryEvent.id)).scalars()
    result = [(row.kind, row.actor.name if row.actor else None, row.detail) for row in rows]
    store.rollback()
    return result


def api_post(client, app, email: str, url: str, body: dict | None = None):
    return client.post(url, json=body if body is not None else {}, headers=bearer(app, email))


# -- the API ------------------------------------------------------------------------------------------------------

def test_claim_release_and_hand_over_through_the_api(client, app, store, inbox):
    luc, an = user(store, OMG_PAPSY).id, inbox["colleague_id"]
    task = f"/api/v1/tasks/{inbox['late']}"

    claimed = api_post(client, app, OMG_PAPSY, f"{task}/claim")
    assert claimed.status_code == 200 and claimed.get_json()["assignee"]["email"] == OMG_PAPSY
    assert holder(store, inbox["late"]) == (luc, True)
    assert api_post(client, app, OMG_PAPSY, f"{task}/claim").status_code == 200  # already theirs: nothing changes

    released = api_post(client, app, OMG_PAPSY, f"{task}/release")
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    assert holder(store, inbox["late"]) == (None, False)

    handed = api_post(client, app, OMG_PAPSY, f"{task}/assign", {"user": " AN.DECLERCQ@gdpb.vlaanderen.example "})
    assert handed.status_code == 200 and handed.get_json()["assignee"] == {"email": OMG_PAPSY_2, "name": "An De Clercq"}
    assert holder(store, inbox["late"]) == (an, True)
    assert history(store, inbox["late"]) == [("claimed", "Luc Van den Broeck", None),
                                             ("released", "Luc Van den Broeck", None),
                                             ("assigned", "Luc Van den Broeck", "An De Clercq")]


def test_hand_over_tells_the_colleague_by_mail(client, app, store, inbox):
    mails = select(OutboxMessage).where(OutboxMessage.to_address == OMG_PAPSY_2, OutboxMessage.kind == "task_assigned")
    before = len(store.scalars(mails).all())
    assert api_post(client, app, OMG_PAPSY, f"/api/v1/tasks/{inbox['soon']}/assign",
                    {"user": OMG_PAPSY_2}).status_code == 200
    store.rollback()
    sent = store.scalars(mails).all()
    assert len(sent) == before + 1 and "Dossier nakijken" in sent[-1].body


@pytest.mark.parametrize(("email", "action", "body"), [
    (OMG_PAPSY, "claim", None), (OMG_PAPSY, "release", None), (OMG_PAPSY, "assign", {"user": AWV_PAPSY}),
])
def test_a_colleague_has_it_409_names_nobody(client, app, store, inbox, email, action, body):
    before = holder(store, inbox["colleague"]), history(store, inbox["colleague"])
    response = api_post(client, app, email, f"/api/v1/tasks/{inbox['colleague']}/{action}", body)
    assert response.status_code == 409
    assert "An" not in response.get_json()["error"] and "Clercq" not in response.get_json()["error"]
    assert (holder(store, inbox["colleague"]), history(store, inbox["colleague"])) == before


@pytest.mark.parametrize(("task", "email", "action", "body", "status"), [
    ("late", AWV_PAPSY, "claim", None, 403),  # another entity's PAPSY
    ("late", OMG_CONFIDANT, "claim", None, 403),  # another lane
    ("awv", OMG_PAPSY, "release", None, 403),
    ("awv", OMG_PAPSY, "assign", {"user": OMG_PAPSY_2}, 403),
    ("late", OMG_PAPSY, "release", None, 409),  # nobody has it
    ("late", OMG_PAPSY, "assign", {"user": AWV_PAPSY}, 422),  # outside the task's scope
    ("late", OMG_PAPSY, "assign", {"user": OMG_CONFIDANT}, 422),  # outside its lane
    ("late", OMG_PAPSY, "assign", {"user": "nobody@example.org"}, 422),  # unknown: the same answer
    ("late", OMG_PAPSY, "assign", {"user": OMG_PAPSY}, 422),  # oneself: "Ik neem dit op" does that
    ("late", OMG_PAPSY, "assign", {"user": 7}, 422),
    ("late", OMG_PAPSY, "assign", {}, 422),
    ("mine", OMG_PAPSY, "assign", {"user": "an.declercq@gdpb.vlaanderen.example\x00"}, 422),
])
def test_refusals_change_nothing(client, app, store, inbox, task, email, action, body, status):
    before = holder(store, inbox[task]), history(store, inbox[task])
    response = api_post(client, app, email, f"/api/v1/tasks/{inbox[task]}/{action}", body)
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert list(response.get_json()["errors"]) == ["user"]
    assert (holder(store, inbox[task]), history(store, inbox[task])) == before


def test_unknown_and_done_tasks(client, app, store, inbox):
    assert api_post(client, app, OMG_PAPSY, "/api/v1/tasks/999999/claim").status_code == 404
    done = client.post(f"/api/v1/tasks/{inbox['late']}/complete", json={"data": {"decision": "approve"}},
                       headers=bearer(app, OMG_PAPSY))
    assert done.status_code == 200
    for action in ("claim", "release"):
        assert api_post(client, app, OMG_PAPSY, f"/api/v1/tasks/{inbox['late']}/{action}").status_code == 409


def test_a_confidential_task_never_changes_hands_through_a_token(client, app, store, inbox):
    """The colleague's own task of a confidential process: not released nor handed over through the API, and
    another one of it is not claimed either; on the web the same person may (tests below)."""
    for action, body in (("release", None), ("assign", {"user": OMG_PAPSY})):
        response = api_post(client, app, OMG_PAPSY_2, f"/api/v1/tasks/{inbox['secret']}/{action}", body)
        assert response.status_code == 403
    other = lane_task(store, "papsy", "OMG", "Dossier 8", process="Zaak", confidential=True).id
    store.commit()
    assert api_post(client, app, OMG_PAPSY, f"/api/v1/tasks/{other}/claim").status_code == 403
    assert holder(store, inbox["secret"]) == (inbox["colleague_id"], True) and holder(store, other) == (None, False)


def test_completing_an_unassigned_task_stays_allowed(client, app, store, inbox):
    done = client.post(f"/api/v1/tasks/{inbox['soon']}/complete", json={"data": {"decision": "approve"}},
                       headers=bearer(app, OMG_PAPSY))
    assert done.status_code == 200
    assert store.scalar(select(Task.completed_by_id).where(Task.id == inbox["soon"])) == user(store, OMG_PAPSY).id


def test_a_claimed_task_leaves_the_colleagues_to_do_but_stays_findable(client, app, store, inbox):
    an = bearer(app, OMG_PAPSY_2)
    assert api_post(client, app, OMG_PAPSY, f"/api/v1/tasks/{inbox['late']}/claim").status_code == 200
    todo = [item["id"] for item in client.get("/api/v1/tasks", headers=an).get_json()["items"]]
    anyone = {item["id"]: item for item in client.get("/api/v1/tasks?assigned=any", headers=an).get_json()["items"]}
    assert inbox["late"] not in todo and anyone[inbox["late"]]["assignee"]["name"] == "Luc Van den Broeck"
    assert client.post(f"/api/v1/tasks/{inbox['late']}/complete", json={"data": {"decision": "approve"}},
                       headers=an).status_code == 403


# -- the policy on tasks the process gave to a person ---------------------------------------------------------------

def test_a_task_the_process_assigned_is_neither_released_nor_handed_over(app, store):
    """The training certificate is the confidant's own (the process names them): it stays theirs."""
    from app.engine.errors import NotAllowed

    confidant = user(store, OMG_CONFIDANT)
    task = lane_task(store, "confidant", "OMG", "Attest")
    task.assignee_id = confidant.id  # as the projection writes a task whose model names its assignee
    store.commit()
    for action in (lambda: claims.release(store, confidant, task.id),
                   lambda: claims.assign(store, confidant, task.id, "koen.maes@omgeving.vlaanderen.example")):
        with pytest.raises(NotAllowed):
            action()
        store.rollback()
    assert holder(store, task.id) == (confidant.id, False)


# -- the web ------------------------------------------------------------------------------------------------------

def web_post(client, url: str, data: dict):
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_web_claim_release_and_hand_over_return_to_the_filtered_list(client, store, inbox):
    login(client, OMG_PAPSY)
    back = "/inbox?due=late&sort=-due_at"
    claimed = web_post(client, f"/tasks/{inbox['late']}/claim", {"next": back})
    assert (claimed.status_code, claimed.location) == (302, back)
    assert "U hebt &#39;Aanvraag nakijken&#39; opgenomen." in client.get(back).get_data(as_text=True)
    released = web_post(client, f"/tasks/{inbox['late']}/release", {"next": back})
    assert released.status_code == 302 and holder(store, inbox["late"]) == (None, False)
    handed = web_post(client, f"/tasks/{inbox['late']}/assign", {"user": OMG_PAPSY_2, "next": back})
    assert handed.status_code == 302 and holder(store, inbox["late"]) == (inbox["colleague_id"], True)
    assert "overgedragen aan An De Clercq" in client.get(f"/instances/{instance_of(store, inbox['late'])}") \
        .get_data(as_text=True)


def instance_of(store, task_id: int) -> int:
    return store.scalar(select(Task.instance_id).where(Task.id == task_id))


@pytest.mark.parametrize("target", ["//evil.example/x", "/\\evil.example", "https://evil.example/", "inbox",
                                    "/inbox\r\nSet-Cookie: x=1"])
def test_web_next_stays_on_this_site(client, store, inbox, target):
    login(client, OMG_PAPSY)
    response = web_post(client, f"/tasks/{inbox['late']}/claim", {"next": target})
    assert response.status_code == 302 and response.location == "/inbox"


def test_web_refusals_say_why_and_change_nothing(client, store, inbox):
    login(client, OMG_PAPSY)
    conflict = web_post(client, f"/tasks/{inbox['colleague']}/claim", {"next": "/inbox?assigned=any"})
    assert (conflict.status_code, conflict.location) == (302, "/inbox?assigned=any")
    assert "Een collega heeft deze taak al opgenomen." in client.get("/inbox?assigned=any").get_data(as_text=True)
    refused = web_post(client, f"/tasks/{inbox['late']}/assign", {"user": AWV_PAPSY})
    assert refused.status_code == 302
    assert "Geef het e-mailadres van een collega die deze taak mag afwerken." in client.get("/inbox").get_data(
        as_text=True)
    assert web_post(client, f"/tasks/{inbox['awv']}/claim", {}).status_code == 403
    assert holder(store, inbox["late"]) == (None, False) and holder(store, inbox["awv"]) == (None, False)
    assert holder(store, inbox["colleague"]) == (inbox["colleague_id"], True)


def test_web_a_confidential_task_changes_hands_in_a_session(client, store, inbox):
    login(client, OMG_PAPSY_2)
    assert web_post(client, f"/tasks/{inbox['secret']}/release", {}).status_code == 302
    assert holder(store, inbox["secret"]) == (None, False)


def test_two_at_once_one_gets_the_task(app, store, inbox):
    """A claim that read the task before a colleague's claim was saved finds it taken at its update: 409."""
    from app.engine.errors import Conflict

    assert store.get(Task, inbox["late"]).assignee_id is None  # read: the session keeps this (soon stale) row
    store.execute(Task.__table__.update().where(Task.id == inbox["late"]).values(assignee_id=inbox["colleague_id"]))
    with pytest.raises(Conflict):
        claims.claim(store, user(store, OMG_PAPSY), inbox["late"])
    store.rollback()
    assert holder(store, inbox["late"]) == (None, False)
    assert store.scalar(select(func.count()).select_from(HistoryEvent).where(HistoryEvent.kind == "claimed")) == 3


def test_a_completion_that_read_the_task_before_a_colleague_claimed_it_changes_nothing(app, store, inbox):
    """The completion checked that nobody had the task; a colleague claimed it before the completion was saved:
    409, nothing saved, and the colleague keeps it."""
    from app.clock import now
    from app.engine import runner
    from app.engine.errors import Conflict

    task = store.get(Task, inbox["soon"])  # read while nobody has it: the session keeps this (soon stale) row
    store.execute(Task.__table__.update().where(Task.id == inbox["soon"])
                  .values(assignee_id=inbox["colleague_id"], claimed_at=now()))
    with pytest.raises(Conflict):
        runner.complete(store, task, {"decision": "approve"}, user(store, OMG_PAPSY))
    store.rollback()
    store.execute(Task.__table__.update().where(Task.id == inbox["soon"])
                  .values(assignee_id=inbox["colleague_id"], claimed_at=now()))  # the colleague's claim, committed
    store.commit()
    assert holder(store, inbox["soon"]) == (inbox["colleague_id"], True)
    assert store.scalar(select(Task.state).where(Task.id == inbox["soon"])) == "ready"


def test_a_deactivated_colleagues_claimed_tasks_go_back_to_the_lane(client, app, store, inbox):
    """Nobody's work waits for an account that can no longer log in; a task the process gave stays put."""
    from app.auth.accounts import deactivate

    assert api_post(client, app, OMG_PAPSY, f"/api/v1/tasks/{inbox['late']}/claim").status_code == 200
    papsy = user(store, OMG_PAPSY)
    given = lane_task(store, "papsy", "OMG", "Door het proces gegeven")
    given.assignee_id = papsy.id
    store.commit()
    deactivate(store, papsy)
    store.commit()
    assert holder(store, inbox["late"]) == (None, False) and holder(store, given.id) == (papsy.id, False)
    anyone = {item["id"] for item in client.get("/api/v1/tasks", headers=bearer(app, OMG_PAPSY_2)).get_json()["items"]}
    assert inbox["late"] in anyone
