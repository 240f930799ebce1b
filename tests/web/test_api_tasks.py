"""GET /api/v1/tasks: the inbox's filters, sort orders and paging as the API contract states them; a bad parameter
is a 422 naming it. The web page reads the same parameters with the same parser (tests/web/test_inbox_page.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Task, TaskState
from app.workflow import services
from tests.api_client import bearer
from tests.helpers import AWV_PAPSY, OMG_PAPSY, OMG_PAPSY_2, OMG_SECRETARY, appointment_data, entity, user

TODO = ["late", "soon", "mine", "later", "none"]  # the OMG PAPSY's "to do", soonest deadline first, none last


@pytest.fixture
def luc(app):
    return bearer(app, OMG_PAPSY)


def names(inbox: dict, body: dict) -> list[str]:
    by_id = {task_id: name for name, task_id in inbox.items()}
    return [by_id[item["id"]] for item in body["items"]]


def model_of(client, headers, inbox, name) -> str:
    return client.get(f"/api/v1/tasks/{inbox[name]}", headers=headers).get_json()["model"]


@pytest.mark.parametrize(("query", "expected"), [
    ("", TODO),
    ("assigned=any", [*TODO, "colleague"]),  # a colleague's task of a confidential process stays unknown
    ("assigned=me", ["mine"]),
    ("assigned=unassigned", ["late", "soon", "later", "none"]),
    ("due=late", ["late"]),
    ("due=soon", ["soon", "mine"]),
    ("due=none", ["none"]),
    ("due=none&assigned=any", ["none", "colleague"]),
    ("entity=OMG", TODO),
    ("entity=AWV", []),  # a known entity outside the PAPSY's scope: nothing, not an error
    ("q=jansens", ["late"]),
    ("q=AANVRAAG", ["late"]),  # the step name, case-insensitive
    ("q=%25", ["later"]),  # "%" and "_" are plain characters, not wildcards
    ("q=_", ["later"]),
    ("q=%20%20maes%20", ["mine"]),  # surrounding spaces do not count
    ("sort=-due_at", ["later", "mine", "soon", "late", "none"]),  # no deadline stays last
    ("sort=created_at", ["late", "soon", "later", "none", "mine"]),
    ("sort=-created_at", ["mine", "none", "later", "soon", "late"]),
    ("sort=process", ["later", "none", "late", "soon", "mine"]),  # Evaluatie, then Opvolging; each by deadline
    ("sort=-process", ["late", "soon", "mine", "later", "none"]),
    ("per_page=2", ["late", "soon"]),
    ("per_page=2&page=2", ["mine", "later"]),
    ("per_page=2&page=3", ["none"]),
    ("per_page=2&page=4", []),
    ("due=&process=&q=", TODO),  # an empty field of the web form means "all"
])
def test_filters_sort_and_paging(client, inbox, luc, query, expected):
    response = client.get(f"/api/v1/tasks?{query}", headers=luc)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert names(inbox, body) == expected
    assert set(body) == {"items", "total", "page", "per_page"}
    per_page = int(query.split("per_page=")[1].split("&")[0]) if "per_page=" in query else 50
    assert (body["per_page"], body["total"]) == (per_page, len(TODO) if "per_page" in query else len(expected))


@pytest.mark.parametrize(("sort", "expected"), [
    ("due_at", ["late", "awv", "soon", "mine", "later", "none"]),
    ("-due_at", ["later", "mine", "soon", "awv", "late", "none"]),
    ("created_at", ["late", "soon", "later", "none", "mine", "awv"]),
    ("-created_at", ["awv", "mine", "none", "later", "soon", "late"]),
])
def test_r9_pages_merge_the_own_entities_and_the_tasks_open_to_the_lane_in_order(client, store, inbox, luc, sort,
                                                                                 expected):
    """Each part of the scope gives its first tasks up to the page's end; the pages together are the whole list."""
    from datetime import timedelta

    from app.clock import now

    store.get(Task, inbox["awv"]).open_to_lane_at = now() - timedelta(hours=1)  # another entity's, open to all
    store.commit()
    pages = [client.get(f"/api/v1/tasks?sort={sort}&per_page=2&page={number}", headers=luc).get_json()
             for number in (1, 2, 3, 4)]
    assert [names(inbox, body) for body in pages] == [expected[0:2], expected[2:4], expected[4:6], []]
    assert {body["total"] for body in pages} == {6}


def test_process_filter_takes_the_model_key(client, inbox, luc):
    key = model_of(client, luc, inbox, "later")
    body = client.get(f"/api/v1/tasks?process={key}&assigned=any", headers=luc).get_json()
    assert names(inbox, body) == ["later", "none", "colleague"]


def test_entity_sort_and_filter_across_two_entities(client, inbox, app):
    """The second PAPSY works for OMG and AWV: "Agentschap Wegen en Verkeer" sorts before "Departement Omgeving"."""
    headers = bearer(app, OMG_PAPSY_2)
    body = client.get("/api/v1/tasks?sort=entity", headers=headers).get_json()
    assert names(inbox, body) == ["awv", "late", "soon", "later", "none", "colleague", "secret"]
    body = client.get("/api/v1/tasks?sort=-entity&entity=AWV", headers=headers).get_json()
    assert names(inbox, body) == ["awv"]


def test_items_say_who_has_the_task(client, inbox, luc):
    items = {item["id"]: item for item in client.get("/api/v1/tasks?assigned=any", headers=luc).get_json()["items"]}
    assert items[inbox["mine"]]["assignee"] == {"email": OMG_PAPSY, "name": "Luc Van den Broeck"}
    assert items[inbox["colleague"]]["assignee"] == {"email": OMG_PAPSY_2, "name": "An De Clercq"}
    assert items[inbox["late"]]["assignee"] is None
    assert items[inbox["late"]]["subject"] == "Kandidaat Jansens" and items[inbox["late"]]["entity"] == "OMG"


def test_other_scopes_see_their_own_tasks_only(client, inbox, app):
    body = client.get("/api/v1/tasks?assigned=any", headers=bearer(app, AWV_PAPSY)).get_json()
    assert names(inbox, body) == ["awv"]


@pytest.mark.parametrize(("query", "param"), [
    ("due=yesterday", "due"), ("assigned=all", "assigned"), ("sort=title", "sort"), ("sort=--due_at", "sort"),
    ("page=0", "page"), ("page=-1", "page"), ("page=x", "page"), ("page=%D9%A1", "page"), ("page=1.5", "page"),
    ("per_page=0", "per_page"), ("per_page=201", "per_page"), ("per_page=", None), ("q=" + "x" * 101, "q"),
    ("q=a%00b", "q"), ("process=nope", "process"), ("entity=NOPE", "entity"), ("entity=omg", "entity"),
    ("process=a%00", "process"), ("colour=red", "colour"), ("due=late&due=soon", "due"),
    ("page=201&per_page=50", "page"),  # deeper than 10,000 tasks: narrow the filter
])
def test_a_bad_parameter_is_422_naming_it(client, inbox, luc, query, param):
    response = client.get(f"/api/v1/tasks?{query}", headers=luc)
    if param is None:  # an empty value is the default
        assert response.status_code == 200
        return
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert list(body["errors"]) == [param] and body["errors"][param] and body["error"]


def test_several_bad_parameters_are_named_together(client, inbox, luc):
    body = client.get("/api/v1/tasks?due=x&sort=y&per_page=500", headers=luc).get_json()
    assert set(body["errors"]) == {"due", "sort", "per_page"}


def test_the_deepest_page_allowed_is_answered(client, inbox, luc):
    response = client.get("/api/v1/tasks?page=200&per_page=50", headers=luc)
    assert response.status_code == 200 and response.get_json()["items"] == []


def test_search_finds_the_subject_a_completion_changed(client, store, luc):
    """The secretary corrects the candidate's name after the PAPSY sent the appointment back: every task of the
    instance carries the new name, and the PAPSY's search finds the new review by it, not by the old one."""
    papsy, secretary = user(store, OMG_PAPSY), user(store, OMG_SECRETARY)
    instance = services.start_process(store, secretary, "appointment", entity(store, "OMG"),
                                      appointment_data(candidate_name="Jana Vermeulen"))
    services.complete_task(store, papsy, _ready(store, instance.id),
                           {"decision": "send_back", "send_back_reason": "Naam verkeerd"})
    services.complete_task(store, secretary, _ready(store, instance.id), appointment_data(candidate_name="Jana Maes"))
    store.commit()
    review = _ready(store, instance.id)
    assert set(store.scalars(select(Task.subject).where(Task.instance_id == instance.id))) == {"Jana Maes"}
    found = client.get("/api/v1/tasks?q=jana%20maes", headers=luc).get_json()["items"]
    assert [(item["id"], item["subject"]) for item in found] == [(review, "Jana Maes")]
    assert client.get("/api/v1/tasks?q=vermeulen", headers=luc).get_json()["items"] == []


def _ready(session, instance_id: int) -> int:
    return session.scalar(select(Task.id).where(Task.instance_id == instance_id, Task.state == TaskState.READY))
