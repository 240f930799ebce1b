"""Property-based fuzzing of the JSON API (hypothesis): whatever the body, the caller or the id, the answer is
below 500, its status is documented in the OpenAPI document with a body that matches the documented schema, and
a refusal (4xx) leaves every row of the database as it was. What the API accepts, the process can carry on with.

Runs on the suite's database (SQLite, or PostgreSQL with DATABASE_URL). Each example arranges what it needs
(a process of its own), so that a failure replays. Known bugs are kept out of the generators: see
tests/fuzz/support.py.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.auth.accounts import create_api_token
from app.db import db
from app.models import Task, TaskState
from tests.fuzz.support import (
    DEEP_JSON,
    JSON_VALUES,
    LOOKUP_JSON_VALUES,
    LOOKUP_TEXT,
    NUMBERS,
    TEXT,
    assert_conforms,
    changed_tables,
    fingerprint,
    fresh_candidate,
    json_request,
    near,
)
from tests.helpers import (
    ADMIN,
    AWV_PAPSY,
    AWV_SECRETARY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    appointment_data,
    user,
)

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PEOPLE = [OMG_SECRETARY, OMG_PAPSY, OMG_CONFIDANT, AWV_SECRETARY, AWV_PAPSY, ADMIN]
NOBODY = "nobody"  # an invalid bearer token
VALID = appointment_data()
TEXT_FIELDS = [name for name, value in VALID.items() if isinstance(value, str)]


class Api:
    """A test client with a bearer token per demo person; every answer is checked against the OpenAPI document."""

    def __init__(self, app):
        self.client = app.test_client()
        with app.app_context():
            session = db.session()
            self.headers = {email: {"Authorization": f"Bearer {create_api_token(session, user(session, email))}"}
                            for email in PEOPLE}
            session.commit()
        db.session.remove()
        self.headers[NOBODY] = {"Authorization": "Bearer vt_not-a-token"}

    def call(self, method: str, path: str, caller: str | None, body=None, raw: dict | None = None, **ids):
        """One request to the OpenAPI ``path`` (``{id}`` filled from ``ids``): below 500 and as documented."""
        url = "/api/v1" + path.format(**ids)
        kwargs = raw if raw is not None else json_request(body) if body is not None else {}
        response = self.client.open(url, method=method, headers=self.headers.get(caller, {}), **kwargs)
        text = response.get_data(as_text=True)[:300]
        assert response.status_code < 500, f"{method} {url}: {response.status_code} {text}"
        assert_conforms(method, path, response)
        return response

    def start(self, data=None) -> dict:
        """A new appointment for a candidate of its own, with an open review task."""
        response = self.call("POST", "/process-instances", OMG_SECRETARY,
                             body={"model": "appointment", "entity": "OMG",
                                   "data": fresh_candidate(data or VALID, VALID["candidate_email"])})
        assert response.status_code == 201, response.get_json()
        return response.get_json()


def refused_changes_nothing(response, before) -> None:
    if response.status_code >= 400:
        after = fingerprint()
        assert after == before, f"refused with {response.status_code}, yet changed {changed_tables(before, after)}"


def task_state(task_id: int) -> TaskState:
    try:
        return db.session().get(Task, task_id).state
    finally:
        db.session.remove()


# -- POST /process-instances --------------------------------------------------------------------------------------

# Start data: valid but one text field near its rules, valid with a few fields of any JSON type, valid with fields
# left out, or any JSON at all.
START_DATA = st.one_of(
    st.sampled_from(TEXT_FIELDS).flatmap(lambda name: near(VALID[name]).map(lambda value: {**VALID, name: value})),
    st.dictionaries(st.sampled_from([*VALID, "unknown", "decision"]), JSON_VALUES, max_size=3)
      .map(lambda extra: {**VALID, **extra}),
    st.sets(st.sampled_from(list(VALID)), min_size=1, max_size=3)
      .map(lambda drop: {k: v for k, v in VALID.items() if k not in drop}),
    JSON_VALUES,
)
START_BODIES = st.one_of(
    START_DATA.map(lambda data: {"model": "appointment", "entity": "OMG", "data": data}),
    st.fixed_dictionaries({}, optional={"model": st.one_of(near("appointment", lookup=True), LOOKUP_JSON_VALUES),
                                        "entity": st.one_of(near("OMG", lookup=True), st.just("AWV"),
                                                            LOOKUP_JSON_VALUES),
                                        "data": st.one_of(st.just(VALID), START_DATA),
                                        "unknown": JSON_VALUES}),
    JSON_VALUES,
)
NOT_JSON = st.one_of(
    st.binary(max_size=200).map(lambda raw: {"data": raw, "content_type": "application/json"}),
    TEXT.map(lambda text: {"data": text.encode(), "content_type": "text/plain"}),
    st.just({"data": {"model": "appointment", "entity": "OMG"}}),  # form-encoded
    st.just({}),  # no body at all
    DEEP_JSON.map(lambda deep: {"data": '{"model": "appointment", "entity": "OMG", "data": ' + deep + "}",
                                "content_type": "application/json"}),
)
ANYONE = st.sampled_from([*PEOPLE, NOBODY])


def test_starting_a_process_never_fails_and_a_refusal_changes_nothing(app):
    api = Api(app)

    @FUZZ
    @given(body=st.one_of(START_BODIES, START_BODIES, NOT_JSON.map(lambda raw: ("raw", raw))),
           caller=st.one_of(st.just(OMG_SECRETARY), ANYONE))
    def start(body, caller):
        raw = body[1] if isinstance(body, tuple) else None
        if isinstance(body, dict) and "data" in body:
            body = {**body, "data": fresh_candidate(body["data"], VALID["candidate_email"])}
        before = fingerprint()
        response = api.call("POST", "/process-instances", caller, body=None if raw else body, raw=raw)
        refused_changes_nothing(response, before)
        if response.status_code == 201:
            # What was accepted carries the process to its end: the PAPSY approves it.
            task_id = response.get_json()["open_tasks"][0]["id"]
            done = api.call("POST", "/tasks/{id}/complete", OMG_PAPSY, body={"data": {"decision": "approve"}},
                            id=task_id)
            assert done.status_code == 200 and done.get_json()["status"] == "completed"

    start()


# -- POST /tasks/{id}/complete ------------------------------------------------------------------------------------

REVIEW = st.one_of(
    st.fixed_dictionaries({}, optional={
        "decision": st.one_of(st.sampled_from(["approve", "send_back"]), near("approve"), near("send_back"),
                              JSON_VALUES),
        "send_back_reason": st.one_of(near("Referentie ontbreekt"), JSON_VALUES),
        "unknown": JSON_VALUES}),
    JSON_VALUES,
)
COMPLETE_BODIES = st.one_of(
    REVIEW.map(lambda data: {"data": data}),
    REVIEW.map(lambda data: {"data": data}),
    st.fixed_dictionaries({}, optional={"data": JSON_VALUES, "unknown": JSON_VALUES}),
    JSON_VALUES,
)


def test_completing_a_task_never_fails_and_a_refusal_changes_nothing(app):
    """A review task of its own per example, posted to once (or after it was done: 409). A refusal leaves it ready;
    after a send-back the secretary can still correct it, and a new review task comes."""
    api = Api(app)

    @settings(FUZZ, max_examples=150)  # three to five requests per example
    @given(body=COMPLETE_BODIES, caller=st.one_of(st.just(OMG_PAPSY), ANYONE), already_done=st.booleans())
    def complete(body, caller, already_done):
        task_id = api.start()["open_tasks"][0]["id"]
        if already_done:
            api.call("POST", "/tasks/{id}/complete", OMG_PAPSY, body={"data": {"decision": "approve"}}, id=task_id)
        before = fingerprint()
        response = api.call("POST", "/tasks/{id}/complete", caller, body=body, id=task_id)
        refused_changes_nothing(response, before)
        if already_done:
            assert response.status_code in (401, 403, 409, 422)
            return
        if response.status_code != 200:
            assert task_state(task_id) == TaskState.READY
            return
        assert task_state(task_id) == TaskState.COMPLETED
        instance = response.get_json()
        if instance["status"] == "running":  # sent back: the secretary corrects, the PAPSY reviews again
            correction = instance["open_tasks"][0]["id"]
            corrected = api.call("POST", "/tasks/{id}/complete", OMG_SECRETARY,
                                 body={"data": fresh_candidate(VALID, VALID["candidate_email"])}, id=correction)
            assert corrected.status_code == 200
            assert [t["step"] for t in corrected.get_json()["open_tasks"]] == ["Aanstelling nakijken"]

    complete()


# -- POST /tasks/{id}/claim, /release, /assign ----------------------------------------------------------------------

HAND_OVER_BODIES = st.one_of(
    st.fixed_dictionaries({}, optional={"user": st.one_of(st.sampled_from(PEOPLE), near(OMG_PAPSY, lookup=True),
                                                          LOOKUP_JSON_VALUES), "unknown": JSON_VALUES}),
    JSON_VALUES,
)


def test_changing_hands_never_fails_and_a_refusal_changes_nothing(app):
    """A review task of its own per example, offered to the lane or claimed by the OMG PAPSY first; then someone
    claims, releases or hands it over with any body."""
    api = Api(app)

    @settings(FUZZ, max_examples=120)
    @given(action=st.sampled_from(["claim", "release", "assign"]), caller=st.one_of(st.just(OMG_PAPSY), ANYONE),
           body=HAND_OVER_BODIES, claimed_first=st.booleans())
    def change_hands(action, caller, body, claimed_first):
        task_id = api.start()["open_tasks"][0]["id"]
        if claimed_first:
            assert api.call("POST", "/tasks/{id}/claim", OMG_PAPSY, body={}, id=task_id).status_code == 200
        before = fingerprint()
        response = api.call("POST", "/tasks/{id}/" + action, caller, body=body, id=task_id)
        refused_changes_nothing(response, before)
        if response.status_code == 200:
            assert response.get_json()["id"] == task_id and task_state(task_id) == TaskState.READY

    change_hands()


# -- the GET operations -------------------------------------------------------------------------------------------

IDS = st.one_of(st.integers(-5, 50), st.integers(), st.integers(2**31 - 3, 2**31 + 3), st.integers(2**63 - 3, 2**64))
TASK_QUERIES = st.fixed_dictionaries({}, optional={
    "process": st.one_of(st.sampled_from(["appointment", "delicate_case"]), LOOKUP_TEXT),
    "entity": st.one_of(st.sampled_from(["OMG", "AWV", "omg"]), LOOKUP_TEXT),
    "due": st.one_of(st.sampled_from(["late", "soon", "none", ""]), TEXT),
    "assigned": st.one_of(st.sampled_from(["me", "unassigned", "any"]), TEXT),
    "q": st.one_of(near("Jana"), TEXT), "sort": st.one_of(st.sampled_from(["due_at", "-created_at", "process"]), TEXT),
    "page": st.one_of(st.integers(-2, 250).map(str), NUMBERS),
    "per_page": st.one_of(st.integers(-2, 250).map(str), NUMBERS),
    "unknown": TEXT})
QUERIES = st.fixed_dictionaries({}, optional={
    "status": st.one_of(st.sampled_from(["active", "inactive", "former", "all"]), TEXT),
    "entity": st.one_of(st.sampled_from(["OMG", "AWV", "omg"]), LOOKUP_TEXT),
    "unknown": TEXT})

NUMBERS = st.one_of(st.integers(-3, 300), st.integers()).map(str)
DAYS = st.one_of(st.dates().map(str), st.sampled_from(["2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01"]), TEXT)
LIST_QUERIES = st.fixed_dictionaries({}, optional={
    "model": st.one_of(st.sampled_from(["appointment", "delicate_case", ""]), LOOKUP_TEXT),
    "status": st.one_of(st.sampled_from(["running", "completed", "incident", "cancelled"]), TEXT),
    "entity": st.one_of(st.sampled_from(["OMG", "AWV"]), LOOKUP_TEXT),
    "started_from": DAYS, "started_to": DAYS, "q": st.one_of(TEXT, st.just("%_\\")), "page": st.one_of(NUMBERS, TEXT),
    "per_page": st.one_of(NUMBERS, TEXT), "unknown": TEXT})


def reads(instance_ids: list[int], task_ids: list[int]) -> st.SearchStrategy:
    """(OpenAPI path, ids, query) of a GET: existing ids, small, negative and out-of-range ones."""
    return st.one_of(
        st.one_of(st.sampled_from(task_ids), IDS).map(lambda i: ("/tasks/{id}", {"id": i}, None)),
        st.one_of(st.sampled_from(instance_ids), IDS).map(lambda i: ("/process-instances/{id}", {"id": i}, None)),
        st.sampled_from(["/tasks", "/process-models", "/openapi.json"]).map(lambda path: (path, {}, None)),
        TASK_QUERIES.map(lambda query: ("/tasks", {}, query)),
        QUERIES.map(lambda query: ("/confidants", {}, query)),
        st.tuples(st.sampled_from(["/public/confidants", "/public/confidants.csv"]), st.just({}), QUERIES),
        LIST_QUERIES.map(lambda query: ("/process-instances", {}, query)),
    )


def test_reading_never_fails_and_a_refusal_changes_nothing(app):
    api = Api(app)
    started = [api.start() for _ in range(3)]  # something to read: processes with open tasks and history
    instance_ids = [instance["id"] for instance in started]
    task_ids = [instance["open_tasks"][0]["id"] for instance in started]

    @FUZZ
    @given(read=reads(instance_ids, task_ids), caller=ANYONE)
    def read(read, caller):
        path, ids, query = read
        before = fingerprint()
        response = api.call("GET", path, caller if path != "/openapi.json" else None,
                            raw={"query_string": query} if query is not None else None, **ids)
        refused_changes_nothing(response, before)

    read()
