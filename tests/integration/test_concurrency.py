"""Two completions of one task at the same moment: exactly one succeeds, the other gets a clear refusal.

Each racer is a thread with its own SQLAlchemy session (``db.session`` is thread-scoped). Both load the READY
task before either writes (a barrier), then complete it and commit. The database (the task row's READY check,
the instance's ``lock_version``) must make one of them lose with ``Conflict`` or ``TaskNotReady``, a message fit
to show, and must show one completion only.
"""
from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.db import db
from app.engine.errors import Conflict, TaskNotReady
from app.models import (
    Confidant,
    HistoryEvent,
    InstanceStatus,
    ProcessInstance,
    Task,
    TaskState,
)
from app.workflow import services
from tests.conftest import build_app
from tests.helpers import (
    OMG_PAPSY,
    OMG_SECRETARY,
    appointment_data,
    csrf_token,
    entity,
    login,
    user,
)

pytestmark = pytest.mark.postgres

ROUNDS = 20
CLEAR_REFUSALS = (Conflict, TaskNotReady)
DECISIONS = {"approve": {"decision": "approve"},
             "send_back": {"decision": "send_back", "send_back_reason": "Referentie ontbreekt"}}


@pytest.fixture
def pg_app(pg_database_url, redis_url, tmp_path):
    application = build_app(pg_database_url, redis_url, tmp_path)
    application.extensions["vertrouwd_settings"].login_rate_limit = "1000 per minute"
    yield application
    db.session.remove()


@pytest.fixture
def sqlite_app(database_url, redis_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("the suite's database is not SQLite here (the PostgreSQL tests cover it)")
    application = build_app(database_url, redis_url, tmp_path)
    yield application
    db.session.remove()


def start_appointment(app, number: int) -> tuple[int, int, str]:
    """A new appointment of OMG; its id, the id of its READY review task and the candidate's e-mail."""
    email = f"kandidaat{number}@omgeving.vlaanderen.example"
    with app.app_context():
        session = db.session()
        instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment",
                                          entity(session, "OMG"), appointment_data(candidate_email=email))
        session.commit()
        task_id = session.scalar(select(Task.id).where(Task.instance_id == instance.id,
                                                       Task.spec_name == "review_appointment"))
        return instance.id, task_id, email


def race(app, task_id: int, data: dict) -> list:
    """Two threads complete ``task_id`` as the OMG PAPSY; each result is "ok" or the exception it got."""
    barrier, results = threading.Barrier(2, timeout=30), [None, None]

    def racer(index: int) -> None:
        with app.app_context():
            session = db.session()  # this thread's own session
            try:
                papsy = user(session, OMG_PAPSY)
                task = session.get(Task, task_id)
                assert task.state == TaskState.READY and task.instance.lock_version is not None
                barrier.wait()  # both have read the READY task and the instance's version
                services.complete_task(session, papsy, task_id, dict(data))
                session.commit()
                results[index] = "ok"
            except Exception as exc:  # noqa: BLE001 (any outcome is kept for the main thread's assertions)
                session.rollback()
                results[index] = exc

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hangs (deadlock?)"
    return results


def assert_one_winner(results: list) -> None:
    assert results.count("ok") == 1, f"exactly one completion must succeed: {results!r}"
    loser = next(r for r in results if r != "ok")
    assert isinstance(loser, CLEAR_REFUSALS), f"the loser must get Conflict or TaskNotReady, got {loser!r}"
    assert loser.message and "Traceback" not in loser.message


def assert_completed_once(app, instance_id: int, task_id: int, email: str, decision: str) -> None:
    with app.app_context():
        session = db.session()
        task = session.get(Task, task_id)
        assert task.state == TaskState.COMPLETED and task.completed_by_id == user(session, OMG_PAPSY).id
        reviews = session.scalar(select(func.count()).select_from(HistoryEvent).where(
            HistoryEvent.instance_id == instance_id, HistoryEvent.kind == "task_completed",
            HistoryEvent.step == "Aanstelling nakijken"))
        assert reviews == 1
        confidants = session.scalar(select(func.count()).select_from(Confidant).where(Confidant.email == email))
        status = session.scalar(select(ProcessInstance.status).where(ProcessInstance.id == instance_id))
        corrections = session.scalar(select(func.count()).select_from(Task).where(
            Task.instance_id == instance_id, Task.spec_name == "correct_appointment"))
        if decision == "approve":
            assert (confidants, status, corrections) == (1, InstanceStatus.COMPLETED, 0)
        else:
            assert (confidants, status, corrections) == (0, InstanceStatus.RUNNING, 1)


def run_rounds(app, decision: str, rounds: int = ROUNDS) -> None:
    for number in range(rounds):
        instance_id, task_id, email = start_appointment(app, number)
        results = race(app, task_id, DECISIONS[decision])
        assert_completed_once(app, instance_id, task_id, email, decision)  # the database holds, whoever won
        assert_one_winner(results)


@pytest.mark.parametrize("decision", ["approve", "send_back"])
def test_two_sessions_complete_one_task_exactly_one_succeeds(pg_app, decision):
    run_rounds(pg_app, decision)


def test_a_completion_after_the_other_committed_gets_task_not_ready(pg_app):
    """No overlap: the second reader sees the first one's commit and is told the task is done."""
    instance_id, task_id, email = start_appointment(pg_app, 0)
    outcomes = []
    for _ in range(2):
        with pg_app.app_context():
            session = db.session()
            try:
                services.complete_task(session, user(session, OMG_PAPSY), task_id, DECISIONS["approve"])
                session.commit()
                outcomes.append("ok")
            except TaskNotReady as exc:
                session.rollback()
                outcomes.append(exc.message)
    assert outcomes == ["ok", "Deze taak werd al afgewerkt of is vervallen."]
    assert_completed_once(pg_app, instance_id, task_id, email, "approve")


def post_together(clients: list, url: str, forms: list[dict]) -> list:
    barrier, responses = threading.Barrier(len(clients), timeout=30), [None] * len(clients)

    def poster(index: int) -> None:
        try:
            barrier.wait()
            responses[index] = clients[index].post(url, data=forms[index])
        except Exception as exc:  # noqa: BLE001 (any outcome is kept for the main thread's assertions)
            responses[index] = exc

    threads = [threading.Thread(target=poster, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def flashes(client, response) -> list[tuple[str, str]]:
    """The flash messages the redirect target shows: (category, text); an error is a notice in the danger tone."""
    page = client.get(urlsplit(response.location).path).get_data(as_text=True)
    notices = re.findall(r'<div class="notice notice--(\w+)"[^>]*>\s*<p>([^<]*)</p>', page)
    return [("error" if tone == "danger" else tone, text) for tone, text in notices]


def test_two_browsers_post_the_same_task_form_exactly_one_succeeds(pg_app):
    clients = [pg_app.test_client(), pg_app.test_client()]
    for client in clients:
        login(client, OMG_PAPSY)
    for number in range(ROUNDS):
        instance_id, task_id, email = start_appointment(pg_app, number)
        url = f"/tasks/{task_id}"
        forms = [{"decision": "approve", "csrf_token": csrf_token(c.get(url).get_data(as_text=True))}
                 for c in clients]  # both have the form open
        responses = post_together(clients, url, forms)
        assert_completed_once(pg_app, instance_id, task_id, email, "approve")
        assert all(not isinstance(r, Exception) for r in responses), responses
        statuses = [r.status_code for r in responses]
        assert all(s in (302, 303) for s in statuses), f"round {number}: {statuses}"
        shown = [flashes(c, r) for c, r in zip(clients, responses)]
        won = [i for i, r in enumerate(responses) if r.status_code == 302 and r.location.endswith("/inbox")
               and not any(category == "error" for category, _ in shown[i])]
        assert len(won) == 1, f"round {number}: {statuses} {shown}"
        lost = shown[1 - won[0]]
        assert [c for c, _ in lost] == ["error"], lost
        assert ("al afgewerkt" in lost[0][1] or "Iemand anders" in lost[0][1]), lost


@pytest.mark.parametrize("decision", ["approve", "send_back"])
def test_sqlite_two_sessions_complete_one_task_exactly_one_succeeds(sqlite_app, decision):
    """The same race on SQLite (the embedded default; the suite's database when DATABASE_URL is not set)."""
    run_rounds(sqlite_app, decision)
