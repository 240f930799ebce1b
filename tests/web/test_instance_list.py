"""The instance list ("Processen", GET /instances and GET /api/v1/process-instances): filters, search on the
subject, paging, bad parameters; an admin's confidential rows (status only) are never matched by search or by a
filter on what they hide. The list reads rows, never workflow state, so the rows are inserted as they are."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from html import unescape as html_unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from jsonschema import Draft202012Validator

from app.api.openapi import OPENAPI
from app.auth.accounts import create_api_token
from app.config import PROJECT_ROOT
from app.engine import registry
from app.models import ProcessInstance
from app.workflow.instance_list import list_instances
from tests.helpers import ADMIN, AWV_SECRETARY, OMG_CONFIDANT, OMG_SECRETARY, entity, login, user

UTC = timezone.utc


def add_instance(store, model: str, entity_code: str, started_at: datetime, subject: str | None = None,
                 status: str = "running", started_by: str | None = None) -> int:
    row = ProcessInstance(model_version_id=registry.current_version(store, model).id,
                          entity_id=entity(store, entity_code).id, status=status, subject=subject, state_json="{}",
                          started_at=started_at, started_by_id=user(store, started_by).id if started_by else None)
    store.add(row)
    store.flush()
    return row.id


@pytest.fixture
def rows(store) -> dict[str, int]:
    """Four instances; "secret" is a confidential one (a delicate case) in which the admin takes no part."""
    ids = {
        # 23:30 UTC on 1 March is already 2 March in Brussels (CET, UTC+1)
        "jana": add_instance(store, "appointment", "OMG", datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "Jana Vermeulen"),
        "piet": add_instance(store, "appointment", "AWV", datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
                             "Piet 100% _zeker_", status="completed"),
        "training": add_instance(store, "training_deadline", "OMG", datetime(2026, 2, 1, 10, tzinfo=UTC),
                                 "JANA opleiding", status="incident"),
        "secret": add_instance(store, "delicate_case", "OMG", datetime(2026, 3, 1, 12, tzinfo=UTC),
                               "Dossier 7 Jana", started_by=OMG_CONFIDANT),
    }
    store.commit()
    return ids


def listed(session, email: str, **args) -> list[int]:
    return [row.id for row in list_instances(session, user(session, email), args).rows]


@pytest.mark.parametrize(("args", "expected"), [
    ({}, ["jana", "piet", "secret", "training"]),
    ({"model": "appointment"}, ["jana", "piet"]),
    ({"model": "delicate_case"}, ["secret"]),  # model and status are what a status-only row shows
    ({"status": "running"}, ["jana", "secret"]),
    ({"status": "incident"}, ["training"]),
    ({"entity": "OMG"}, ["jana", "training"]),  # not the confidential row: its entity is not shown to the admin
    ({"started_from": "2026-03-02"}, ["jana"]),
    ({"started_to": "2026-03-01"}, ["piet", "training"]),
    ({"started_from": "2026-03-01", "started_to": "2026-03-01"}, ["piet"]),
    ({"q": "jana"}, ["jana", "training"]),  # case-insensitive; never the confidential "Dossier 7 Jana"
    ({"q": "dossier"}, []),
    ({"q": "100%"}, ["piet"]),
    ({"q": "_"}, ["piet"]),  # LIKE wildcards are plain characters
    ({"q": "%"}, ["piet"]),
    ({"model": "appointment", "status": "running", "q": "VERMEULEN", "entity": "OMG"}, ["jana"]),
])
def test_each_filter_narrows_the_admins_list(session, rows, args, expected):
    assert listed(session, ADMIN, **args) == [rows[name] for name in expected]


def test_the_starter_of_a_confidential_instance_finds_it_by_its_subject_and_entity(session, rows):
    assert listed(session, OMG_CONFIDANT, q="dossier 7", entity="OMG") == [rows["secret"]]
    assert listed(session, OMG_SECRETARY, q="jana") == [rows["jana"], rows["training"]]


def test_counts_per_status_follow_the_other_filters_and_never_count_a_searched_confidential_row(session, rows):
    admin = user(session, ADMIN)
    everything = list_instances(session, admin, {})
    assert (everything.total, everything.per_status) == (4, {"running": 2, "completed": 1, "incident": 1})
    assert everything.status_only == {rows["secret"]}
    searched = list_instances(session, admin, {"q": "jana", "status": "running"})
    assert (searched.total, searched.per_status) == (1, {"running": 1, "incident": 1})


def test_pages_of_50_newest_first_with_the_id_breaking_ties(session, store):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [add_instance(store, "appointment", "OMG", start + timedelta(hours=n // 2)) for n in range(120)]
    store.commit()
    newest_first = sorted(ids, key=lambda i: (ids.index(i) // 2, i), reverse=True)
    admin = user(session, ADMIN)
    pages = [list_instances(session, admin, {"page": str(n)}) for n in (1, 2, 3, 4)]
    assert [row.id for page in pages for row in page.rows] == newest_first
    assert [len(page.rows) for page in pages] == [50, 50, 20, 0]
    assert {(page.total, page.pages) for page in pages} == {(120, 3)}


# The web page

def test_the_page_shows_the_filters_it_was_asked_for_and_links_pages_that_keep_them(app, client, store):
    for n in range(53):
        add_instance(store, "appointment", "OMG", datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=n),
                     f"Kandidaat {n}")
    store.commit()
    login(client, OMG_SECRETARY)
    response = client.get("/instances?model=appointment&q=kandidaat&started_from=2026-03-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kandidaat 52" in html and "Kandidaat 2<" not in html  # newest first; the oldest on page 2
    assert 'value="kandidaat"' in html and '<option value="appointment" selected' in html
    assert "53 processen" in html
    following = html_unescape(re.search(r'href="([^"]+)" rel="next"', html).group(1))
    assert parse_qs(urlsplit(following).query) == {"model": ["appointment"], "q": ["kandidaat"],
                                                   "started_from": ["2026-03-01"], "page": ["2"]}
    assert "Kandidaat 2<" in client.get(following).get_data(as_text=True)


@pytest.mark.parametrize(("query", "field", "message"), [
    ("model=nope", "model", "Onbekend proces."),
    ("status=open", "status", "Onbekende status."),
    ("entity=XYZ", "entity", "Onbekende entiteit."),
    ("started_from=2026-13-01", "started_from", "Geef een geldige datum als JJJJ-MM-DD."),
    ("started_to=1-3-2026", "started_to", "Geef een geldige datum als JJJJ-MM-DD."),
    ("started_from=2026-03-02&started_to=2026-03-01", "started_to", "De einddatum ligt voor de begindatum."),
    ("q=" + "x" * 201, "q", "Zoek met hoogstens 200 tekens."),
    ("q=a%00b", "q", "Deze waarde bevat een teken dat niet kan."),
    ("page=0", "page", "Kies een pagina van 1 tot 1000000."),
    ("page=99999999", "page", "Kies een pagina van 1 tot 1000000."),
    ("page=twee", "page", "Kies een pagina van 1 tot 1000000."),
])
def test_a_bad_filter_is_named_next_to_the_filter_bar_with_422_and_no_list(app, client, store, rows, query, field,
                                                                            message):
    login(client, ADMIN)
    response = client.get(f"/instances?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html and (field == "page" or f'href="#field-{field}"' in html)
    assert "/instances/" not in html, "no list from the other filters"


def test_the_admin_searching_a_confidential_subject_gets_no_match_and_no_count(app, client, store, rows):
    login(client, ADMIN)
    listing = client.get("/instances").get_data(as_text=True)
    link = f'href="/instances/{rows["secret"]}"'
    assert link in listing and "Dossier 7" not in listing and '<option value="delicate_case"' in listing
    for query in ("q=Dossier+7", "q=jana", "entity=OMG", "started_from=2026-03-01&started_to=2026-03-01"):
        html = client.get(f"/instances?{query}").get_data(as_text=True)
        assert link not in html and "Dossier 7 Jana" not in html, query
    assert "Geen processen gevonden" in client.get("/instances?q=Dossier+7").get_data(as_text=True)


def test_every_row_shows_its_process_entity_status_and_start_with_the_subject_escaped(client, store, rows):
    attack = '"><img src=x onerror=alert(1)>'
    add_instance(store, "appointment", "OMG", datetime(2026, 3, 2, 9, tzinfo=UTC), attack)
    store.commit()
    login(client, ADMIN)
    html = client.get("/instances").get_data(as_text=True)
    assert "<img" not in html and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    jana = re.search(rf'<tr><td><a href="/instances/{rows["jana"]}">([^<]+)</a><span class="subject">Jana Vermeulen'
                     r'</span></td><td data-label="Entiteit">([^<]+)</td><td data-label="Status"><span class="badge badge--(\w+)">'
                     r'([^<]+)</span></td><td data-label="Gestart"><time datetime="([^"]+)">([^<]+)</time></td></tr>', html)
    assert jana is not None and jana.group(3, 4) == ("neutral", "lopend")
    assert jana.group(6) == "2 mrt. 2026 00:30"  # the day and hour in Brussels
    secret = re.search(rf'<tr><td><a href="/instances/{rows["secret"]}">[^<]+</a><span class="subject">vertrouwelijk'
                       r'</span></td><td></td><td data-label="Status"><span class="badge', html)
    assert secret is not None


def test_the_tally_the_list_counts_from_follows_every_change_of_an_instance(store, rows):
    """Database triggers keep it (migration e1f8a0000011): an insert, a new status, entity or version, a delete."""
    from sqlalchemy import delete, func

    from app.models import InstanceTally

    def tally() -> dict[tuple, int]:
        return {(row.entity_id, row.model_version_id, row.status): row.count
                for row in store.scalars(select(InstanceTally)) if row.count}

    def recount() -> dict[tuple, int]:
        key = (ProcessInstance.entity_id, ProcessInstance.model_version_id, ProcessInstance.status)
        return {tuple(row[:3]): row[3] for row in store.execute(select(*key, func.count()).group_by(*key))}

    assert tally() == recount() and sum(tally().values()) == 4
    jana = store.get(ProcessInstance, rows["jana"])
    jana.status = "completed"
    store.flush()
    assert tally() == recount()
    jana.entity_id, jana.model_version_id = entity(store, "AWV").id, registry.current_version(store, "training_deadline").id
    store.flush()
    assert tally() == recount()
    store.execute(delete(ProcessInstance).where(ProcessInstance.id == rows["piet"]))
    store.commit()
    assert tally() == recount() and sum(tally().values()) == 3


def test_the_counts_from_the_tally_keep_the_model_and_entity_filters(session, rows):
    per_status = {"model": "appointment", "entity": "OMG"}
    page = list_instances(session, user(session, OMG_SECRETARY), per_status)
    assert page.per_status == {"running": 1} and page.total == 1
    page = list_instances(session, user(session, ADMIN), {"model": "appointment"})
    assert page.per_status == {"running": 1, "completed": 1}
    page = list_instances(session, user(session, ADMIN), {})  # a confidential row counts by its status
    assert page.per_status == {"running": 2, "completed": 1, "incident": 1}


# The API

@pytest.fixture
def bearer(store):
    def make(email: str) -> dict:
        token = create_api_token(store, user(store, email))
        store.commit()
        return {"Authorization": f"Bearer {token}"}
    return make


def test_the_api_lists_a_page_with_its_total_and_status_only_rows_as_their_status(client, store, rows, bearer):
    body = client.get("/api/v1/process-instances?per_page=2", headers=bearer(ADMIN)).get_json()
    documented = OPENAPI["paths"]["/process-instances"]["get"]["responses"]["200"]["content"]["application/json"]
    Draft202012Validator({**documented["schema"], "components": OPENAPI["components"]}).validate(body)
    assert (body["total"], body["page"], body["per_page"]) == (4, 1, 2)
    assert body["items"][0] == {
        "id": rows["jana"], "status": "running", "model": "appointment", "version": 1, "entity": "OMG",
        "subject": "Jana Vermeulen", "started_at": "2026-03-01T23:30:00+00:00", "completed_at": None,
        "incident": None}
    second = client.get("/api/v1/process-instances?per_page=2&page=2", headers=bearer(ADMIN)).get_json()
    assert second["items"][0] == {"id": rows["secret"], "status": "running", "model": "delicate_case",
                                  "incident": None}
    searched = client.get("/api/v1/process-instances?q=dossier", headers=bearer(ADMIN)).get_json()
    assert (searched["items"], searched["total"]) == ([], 0)
    secretary = client.get("/api/v1/process-instances?entity=AWV", headers=bearer(AWV_SECRETARY)).get_json()
    assert [item["id"] for item in secretary["items"]] == [rows["piet"]]


def test_an_incident_is_said_in_the_readers_language_and_an_older_one_as_it_was_stored(client, store, rows, bearer):
    training, jana = store.get(ProcessInstance, rows["training"]), store.get(ProcessInstance, rows["jana"])
    training.incident = '{"attempts": 4, "cause": "database", "timer": "no_such_step"}'
    jana.status, jana.incident = "incident", "Termijn 'Herinnering' faalde 4 keer: de databank gaf een fout."
    store.commit()
    items = client.get("/api/v1/process-instances?status=incident", headers=bearer(ADMIN)).get_json()["items"]
    assert {item["id"]: item["incident"] for item in items} == {
        rows["training"]: "Een termijn faalde 4 keer: de databank gaf een fout.",
        rows["jana"]: "Termijn 'Herinnering' faalde 4 keer: de databank gaf een fout."}


@pytest.mark.parametrize("query", ["per_page=201", "per_page=0", "status=lopend", "started_from=gisteren",
                                   "model=appointment&entity=NOPE"])
def test_a_bad_api_parameter_is_422_with_the_reason(client, store, rows, bearer, query):
    response = client.get(f"/api/v1/process-instances?{query}", headers=bearer(ADMIN))
    body = response.get_json()
    assert response.status_code == 422 and body["error"] and len(body["errors"]) == 1
    assert set(body["errors"]) <= {"per_page", "status", "started_from", "entity"}


def test_a_papsy_lists_what_they_took_part_in_beyond_their_entities_and_their_confidential_cases(store, rows):
    """The list skips the tasks of a PAPSY's own entities' ordinary instances (it shows those anyway); a task done
    in another entity, or in a confidential case of their own entity, still lists that instance."""
    from app.models import Task, TaskState
    from tests.helpers import OMG_PAPSY

    papsy = user(store, OMG_PAPSY)
    assert sorted(listed(store, OMG_PAPSY)) == sorted([rows["jana"], rows["training"]])
    for name in ("piet", "secret"):  # an AWV appointment, an OMG delicate case: neither shown by entity scope
        instance = store.get(ProcessInstance, rows[name])
        store.add(Task(instance_id=instance.id, spiff_task_id=f"t-{name}", spec_name="step", title="Stap",
                       lane="papsy", entity_id=instance.entity_id, model_version_id=instance.model_version_id,
                       state=TaskState.COMPLETED, completed_by_id=papsy.id))
    store.commit()
    assert sorted(listed(store, OMG_PAPSY)) == sorted([rows["jana"], rows["training"], rows["piet"], rows["secret"]])


def test_a_papsy_counts_each_instance_once_however_they_take_part_and_another_papsy_sees_only_their_own(store, rows):
    """What a PAPSY lists is their entities' ordinary instances plus what they take part in beyond them, counted
    apart: an instance that is both is counted once; a task held in another entity, and another entity's delicate
    case once its task is offered to the whole lane, are theirs too; a task not yet offered is not."""
    from app.models import Task, TaskState
    from tests.helpers import AWV_PAPSY, OMG_PAPSY

    papsy, moment = user(store, OMG_PAPSY), datetime.now(UTC)
    offered = add_instance(store, "delicate_case", "AWV", datetime(2026, 3, 2, tzinfo=UTC))
    not_yet = add_instance(store, "delicate_case", "AWV", datetime(2026, 3, 3, tzinfo=UTC))

    def task(instance_id: int, name: str, **columns) -> None:
        instance = store.get(ProcessInstance, instance_id)
        store.add(Task(instance_id=instance_id, spiff_task_id=name, spec_name="step", title="Stap", lane="papsy",
                       entity_id=instance.entity_id, model_version_id=instance.model_version_id, **columns))

    store.get(ProcessInstance, rows["jana"]).started_by_id = papsy.id  # ordinary, and taken part in
    task(rows["training"], "done", state=TaskState.COMPLETED, completed_by_id=papsy.id)
    task(rows["piet"], "held", state=TaskState.READY, assignee_id=papsy.id)
    task(offered, "offered", state=TaskState.READY, open_to_lane_at=moment - timedelta(hours=1))
    task(not_yet, "not-yet", state=TaskState.READY, open_to_lane_at=moment + timedelta(days=1))
    store.commit()

    page = list_instances(store, papsy, {})
    assert sorted(row.id for row in page.rows) == sorted([rows["jana"], rows["training"], rows["piet"], offered])
    assert (page.total, page.per_status) == (4, {"running": 2, "completed": 1, "incident": 1})
    assert sorted(listed(store, AWV_PAPSY)) == sorted([rows["piet"], offered, not_yet])


@pytest.fixture
def second_version(store, rows) -> dict[str, int]:
    """Appointment version 2, with one OMG instance on it; "training" and a suspended "jana" have an incident."""
    source = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text().replace("Aanstelling nakijken", "Nakijken")
    registry.deploy(store, "appointment", {"appointment.bpmn": source}, registry.load_forms(PROJECT_ROOT / "forms"))
    newer = add_instance(store, "appointment", "OMG", datetime(2026, 3, 3, 9, tzinfo=UTC), "Nieuwe kandidaat")
    incident = '{"attempts": 4, "cause": "database", "timer": "remind"}'
    store.get(ProcessInstance, rows["training"]).incident = incident
    jana = store.get(ProcessInstance, rows["jana"])
    jana.status, jana.incident = "suspended", incident  # suspended while its timer failed: still an incident
    store.commit()
    return {**rows, "newer": newer}


@pytest.mark.parametrize(("args", "expected"), [
    ({"model": "appointment", "version": "2"}, ["newer"]),
    ({"model": "appointment", "version": "1"}, ["jana", "piet"]),
    ({"model": "delicate_case", "version": "1"}, ["secret"]),  # the admin moves confidential instances too
    ({"incident": "1"}, ["jana", "training"]),
    ({"incident": "1", "status": "incident"}, ["training"]),
    ({"model": "appointment", "version": "1", "incident": "1"}, ["jana"]),
])
def test_the_list_filters_on_the_version_of_a_process_and_on_having_an_incident(session, second_version, args,
                                                                                 expected):
    assert listed(session, ADMIN, **args) == [second_version[name] for name in expected]
    page = list_instances(session, user(session, ADMIN), args)
    assert page.total == len(expected), "the counts follow the same filters"


@pytest.mark.parametrize(("query", "field"), [("version=2", "version"), ("model=appointment&version=9", "version"),
                                              ("model=appointment&version=x", "version"), ("incident=maybe", "incident")])
def test_a_bad_version_or_incident_filter_is_named_on_the_page_and_in_the_api(client, store, second_version, bearer,
                                                                              query, field):
    api = client.get(f"/api/v1/process-instances?{query}", headers=bearer(ADMIN))
    assert api.status_code == 422 and set(api.get_json()["errors"]) == {field}
    login(client, ADMIN)
    page = client.get(f"/instances?{query}")
    assert page.status_code == 422 and f'href="#field-{field}"' in page.get_data(as_text=True)


def test_a_list_of_one_version_links_an_admin_to_moving_those_instances(client, store, second_version, bearer):
    login(client, ADMIN)
    page = html_unescape(client.get("/instances?model=appointment&version=1&entity=OMG&q=x").get_data(as_text=True))
    link = re.search(r'href="(/admin/models/appointment/migrations/new\?[^"]+)"', page)
    assert link and parse_qs(urlsplit(link[1]).query) == {"from_version": ["1"], "entity": ["OMG"]}
    items = client.get("/api/v1/process-instances?model=appointment&version=2", headers=bearer(ADMIN)).get_json()
    assert [item["id"] for item in items["items"]] == [second_version["newer"]]
    secretary = client.application.test_client()
    login(secretary, OMG_SECRETARY)
    assert "migrations/new" not in secretary.get("/instances?model=appointment&version=1").get_data(as_text=True)
