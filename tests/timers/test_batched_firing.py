"""Timers of a dispatcher batch fire in one transaction (issue 10), each still exactly once, and a failure or a
dropped database connection changes nothing of that (the job function runs here, with the clock moved)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, event, make_url, select, text

import tests.timers.services as flaky
from app.db import db
from app.engine.registry import deploy
from app.models import TimerState
from app.workflow import services
from tests.helpers import OMG_SECRETARY, entity, user
from tests.timers.test_durable_timers import FORM, T0, WAITING, runs_after_timer
from workers.jobs import fire_timers
from workers.scheduling import NOT_BEFORE


def start_three(app, waits: tuple[str, ...] = ("PT1H", "PT1H", "PT3H")) -> list[int]:
    """Instances of timer_after_task waiting ``waits`` from T0; the ids of their 'wait' timers, in that order."""
    from app.models import Timer

    flaky.FAILURES["left"] = 0
    xml = (Path(__file__).parent / "timer_after_task.bpmn").read_text()
    with app.app_context():
        session = db.session()
        deploy(session, "timer_after_task", {"timer_after_task.bpmn": xml}, {"timer_start": FORM})
        ids = []
        for wait_for in waits:
            instance = services.start_process(session, user(session, OMG_SECRETARY), "timer_after_task",
                                              entity(session, "OMG"), {"wait_for": wait_for})
            session.flush()
            ids.append(session.scalar(select(Timer.id).where(Timer.instance_id == instance.id,
                                                             Timer.spec_name == "wait")))
        session.commit()
    db.session.remove()
    return ids


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def counting_commits(engine) -> list[int]:
    commits = []
    event.listen(engine, "commit", lambda connection: commits.append(1))
    return commits


def wait_rows(store, timer_ids: list[int]) -> list:
    from app.models import Timer

    store.expire_all()
    return [store.get(Timer, timer_id) for timer_id in timer_ids]


def test_due_timers_of_a_batch_fire_once_each_in_one_commit(app, store, clock):
    timer_ids = start_three(app, ("PT1H", "PT1H", "PT1H"))
    commits = counting_commits(db.engine)
    clock.move_to(T0 + timedelta(hours=1, seconds=1))
    assert fire_timers(timer_ids) == ["fired"] * 3
    assert len(commits) == 1
    assert [row.state for row in wait_rows(store, timer_ids)] == [TimerState.FIRED] * 3
    assert runs_after_timer(store) == 3
    assert fire_timers(timer_ids) == ["gone"] * 3 and runs_after_timer(store) == 3


def test_a_batch_fires_what_is_due_and_leaves_the_rest_as_one_timer_alone_would(app, store, clock, redis_client):
    early, fired_before, later = start_three(app)
    clock.move_to(T0 + timedelta(hours=1, seconds=1))
    assert fire_timers([fired_before]) == ["fired"]
    assert fire_timers([early, fired_before, later]) == ["fired", "gone", "not due"]
    assert runs_after_timer(store) == 2
    waiting = dict(redis_client.zrange(WAITING, 0, -1, withscores=True))
    due_later = wait_rows(store, [later])[0].due_at
    assert waiting[str(later).encode()] == pytest.approx((due_later + NOT_BEFORE).timestamp(), abs=1e-6)


def test_a_step_failing_in_a_batch_counts_only_for_its_own_timer(app, store, clock):
    """The failure rolls the batch back (the step ran once there); one by one, it fails again for its own timer,
    which backs off, and the others fire."""
    timer_ids = start_three(app, ("PT1H", "PT1H", "PT1H"))
    flaky.FAILURES["left"] = 2
    clock.move_to(T0 + timedelta(hours=1, seconds=1))
    assert fire_timers(timer_ids) == ["retry in 5 s", "fired", "fired"]
    first, second, third = wait_rows(store, timer_ids)
    assert (first.state, first.attempts, first.last_error) == (TimerState.PENDING, 1, "step")
    assert second.state == third.state == TimerState.FIRED and second.last_error is None
    assert runs_after_timer(store) == 2


@pytest.mark.postgres
def test_a_connection_dropped_while_firing_a_batch_is_no_failed_attempt(pg_app, pg_database_url, clock):
    """PostgreSQL ends the job's own connection just as it saves an instance (as a restart would): the batch's
    transaction is gone whole, the job connects anew and fires each timer once, with no failure counted."""
    timer_ids = start_three(pg_app, ("PT1H", "PT1H", "PT1H"))
    admin = create_engine(make_url(pg_database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    dropped = []

    def drop_on_the_first_save(connection, cursor, statement, parameters, context, executemany):
        if not dropped and statement.startswith("UPDATE process_instance"):
            pid = connection.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                dropped.append(other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}))

    event.listen(db.engine, "before_cursor_execute", drop_on_the_first_save)
    try:
        clock.move_to(T0 + timedelta(hours=1, seconds=1))
        assert fire_timers(timer_ids) == ["fired"] * 3
    finally:
        event.remove(db.engine, "before_cursor_execute", drop_on_the_first_save)
        admin.dispose()
    assert dropped == [True]
    rows = wait_rows(db.session(), timer_ids)
    assert [(row.state, row.attempts, row.last_error) for row in rows] == [(TimerState.FIRED, 1, None)] * 3
    assert runs_after_timer(db.session()) == 3
