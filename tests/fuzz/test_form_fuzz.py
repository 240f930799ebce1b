"""Property-based fuzzing of the web forms (hypothesis): POST /processes/appointment/start and POST /tasks/<id>
with random fields (Unicode, control characters, very long values, repeated fields, numbers, impossible dates),
a valid CSRF token (mostly), logged in as the right person (mostly). Every answer is below 500; a refusal changes
no row of the database and leaves the task ready; a 422 says what is wrong and shows again what was typed; what is
accepted, the process can carry on with.

Runs on the suite's database (SQLite, or PostgreSQL with DATABASE_URL). Known bugs are kept out of the
generators: see tests/fuzz/support.py.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from app.db import db
from app.models import Task, TaskState
from tests.fuzz.support import (
    DATES,
    LONG,
    NUMBERS,
    TEXT,
    changed_tables,
    fingerprint,
    fresh_candidate,
    near,
)
from tests.helpers import AWV_SECRETARY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, appointment_form, csrf_token, login

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
START = "/processes/appointment/start"
VALID = {**appointment_form(), "entity": "OMG"}
TEXT_FIELDS = ["candidate_name", "candidate_email", "function", "eoc_reference"]
# Over Werkzeug's 500 kB limit for form fields: 413, which must change nothing either.
TOO_BIG = "v" * 600_000

VALUE = st.one_of(TEXT, NUMBERS, DATES, LONG, st.sampled_from(["on", "true", "false", "", " ", "all_agreed",
                                                                "approve", "send_back", "OMG", TOO_BIG]))
# A field posted once, or several times (a list posts every item under the same name).
POSTED = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3))


def one_field_off(valid: dict, name: str) -> st.SearchStrategy[dict]:
    return st.one_of(near(valid[name]), POSTED).map(lambda value: {**valid, name: value})


START_FORMS = st.one_of(
    # everything valid but one field
    st.sampled_from([*TEXT_FIELDS, "eoc_decision_date", "employee_representatives_agreement", "entity"])
      .flatmap(lambda name: one_field_off(VALID, name)),
    # a few fields replaced, added or left out (unticked checkboxes are not posted)
    st.tuples(st.dictionaries(st.sampled_from([*VALID, "unknown", "csrf_token_x"]), POSTED, max_size=3),
              st.sets(st.sampled_from(list(VALID)), max_size=3))
      .map(lambda t: {k: v for k, v in {**VALID, **t[0]}.items() if k not in t[1]}),
    # anything at all
    st.dictionaries(st.sampled_from([*VALID, "unknown"]), POSTED, max_size=8),
)
CSRF = st.sampled_from(["valid"] * 18 + ["missing", "wrong"])


def logged_in(app, email):
    client = app.test_client()
    login(client, email)
    return client


def post(client, url, form: dict, csrf: str, token: str):
    data = {k: v for k, v in form.items() if k != "csrf_token"}
    if csrf != "missing":
        data["csrf_token"] = token if csrf == "valid" else token[::-1]
    return client.post(url, data=data)


def check_answer(response, before, posted: dict):
    """Below 500; a refusal changes nothing; a 422 explains and shows again what was typed."""
    page = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.status_code}: {page[:300]}"
    if response.status_code < 400:
        return
    after = fingerprint()
    assert after == before, f"refused with {response.status_code}, yet changed {changed_tables(before, after)}"
    if response.status_code == 422:
        assert 'class="error-summary"' in page or 'class="error-message"' in page, "422 without a message"
        for name in TEXT_FIELDS:
            value = posted.get(name)
            if isinstance(value, str) and 0 < len(value) <= 1000:
                shown = escape(value.replace("\r\n", "\n").strip())
                assert shown in page, f"the typed {name} is not shown again"


def ready_task(spec_name: str, instance_id: int | None = None) -> int | None:
    """The newest ready task of this step (of this process instance)."""
    query = select(Task.id).where(Task.state == TaskState.READY, Task.spec_name == spec_name)
    if instance_id is not None:
        query = query.where(Task.instance_id == instance_id)
    try:
        return db.session().scalar(query.order_by(Task.id.desc()))
    finally:
        db.session.remove()


def task_state(task_id: int):
    try:
        return db.session().get(Task, task_id).state
    finally:
        db.session.remove()


def test_start_form_never_fails_and_a_refusal_changes_nothing(app):
    secretary, papsy = logged_in(app, OMG_SECRETARY), logged_in(app, OMG_PAPSY)
    others = {AWV_SECRETARY: logged_in(app, AWV_SECRETARY), OMG_CONFIDANT: logged_in(app, OMG_CONFIDANT)}
    tokens = {client: csrf_token(client.get("/inbox").get_data(as_text=True))
              for client in (secretary, papsy, *others.values())}

    @FUZZ
    @given(form=START_FORMS, csrf=CSRF, who=st.sampled_from([OMG_SECRETARY] * 8 + list(others)))
    def start(form, csrf, who):
        form = fresh_candidate(form, VALID["candidate_email"])
        client = secretary if who == OMG_SECRETARY else others[who]
        before = fingerprint()
        response = post(client, START, form, csrf, tokens[client])
        if who == OMG_CONFIDANT:  # may not start this process at all
            assert response.status_code in (400, 403, 413)
        check_answer(response, before, form)
        if response.status_code == 302:
            # What was accepted carries the process to its end: the PAPSY approves it.
            task_id = ready_task("review_appointment")
            done = post(papsy, f"/tasks/{task_id}", {"decision": "approve"}, "valid", tokens[papsy])
            assert done.status_code == 302, done.status_code
            assert task_state(task_id) == TaskState.COMPLETED

    start()


REVIEW = {"decision": "approve", "send_back_reason": "Referentie ontbreekt"}
REVIEW_FORMS = st.one_of(
    st.one_of(near(REVIEW["send_back_reason"]), POSTED).map(lambda reason: {"decision": "send_back",
                                                                            "send_back_reason": reason}),
    st.fixed_dictionaries({"decision": st.just("approve")}, optional={"send_back_reason": POSTED, "unknown": POSTED}),
    st.fixed_dictionaries({}, optional={
        "decision": st.one_of(st.sampled_from(["approve", "send_back"]), near("approve"), near("send_back"), POSTED),
        "send_back_reason": st.one_of(near(REVIEW["send_back_reason"]), POSTED),
        "unknown": POSTED}),
    st.dictionaries(st.sampled_from(["decision", "send_back_reason", "unknown"]), POSTED, max_size=3),
)


def test_task_form_never_fails_and_a_refusal_changes_nothing(app):
    """A process of its own per example; random posts to the PAPSY's review task, or (after a send-back) to the
    secretary's correction task, which has the start form again. Sometimes someone else posts. A refused post
    leaves the task ready; an accepted one completes it and the process goes on."""
    secretary, papsy = logged_in(app, OMG_SECRETARY), logged_in(app, OMG_PAPSY)
    stranger = logged_in(app, AWV_SECRETARY)
    tokens = {client: csrf_token(client.get("/inbox").get_data(as_text=True))
              for client in (secretary, papsy, stranger)}
    sent_back = {**REVIEW, "decision": "send_back"}

    @FUZZ
    @given(step=st.sampled_from(["review", "correction"]), review=REVIEW_FORMS, correction=START_FORMS, csrf=CSRF,
           who=st.sampled_from(["actor"] * 14 + ["stranger"]))
    def complete(step, review, correction, csrf, who):
        started = post(secretary, START, fresh_candidate(VALID, VALID["candidate_email"]), "valid", tokens[secretary])
        assert started.status_code == 302
        instance_id = int(started.location.rstrip("/").rsplit("/", 1)[1])
        task_id, actor, form = ready_task("review_appointment", instance_id), papsy, review
        if step == "correction":
            assert post(papsy, f"/tasks/{task_id}", sent_back, "valid", tokens[papsy]).status_code == 302
            task_id, actor = ready_task("correct_appointment", instance_id), secretary
            form = {k: v for k, v in fresh_candidate(correction, VALID["candidate_email"]).items() if k != "entity"}
        client = stranger if who == "stranger" else actor
        page = client.get(f"/tasks/{task_id}")
        assert page.status_code == (403 if client is stranger else 200), page.status_code
        before = fingerprint()
        response = post(client, f"/tasks/{task_id}", form, csrf, tokens[client])
        check_answer(response, before, form)
        if response.status_code != 302:
            assert task_state(task_id) == TaskState.READY
            return
        assert client is not stranger and task_state(task_id) == TaskState.COMPLETED
        # The process goes on: the next task (correction or review again) opens for its person.
        next_review = ready_task("review_appointment", instance_id)
        next_correction = ready_task("correct_appointment", instance_id)
        if next_correction:
            assert secretary.get(f"/tasks/{next_correction}").status_code == 200
        elif step == "correction":
            assert papsy.get(f"/tasks/{next_review}").status_code == 200
            done = post(papsy, f"/tasks/{next_review}", {"decision": "approve"}, "valid", tokens[papsy])
            assert done.status_code == 302

    complete()
