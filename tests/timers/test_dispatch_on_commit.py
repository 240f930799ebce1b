"""The app's side of the dispatch port, with a recorder for a dispatcher (no Redis): the workers hear of new,
held, resumed and fired-now timers and of queued mail only once the unit of work commits, and of nothing that a
rollback took back."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.engine import lifecycle
from app.engine import timers as durable
from app.mail import queue_mail
from app.models import Timer
from app.workflow import services
from tests.helpers import ADMIN, OMG_SECRETARY, entity, user
from tests.small_models import deploy
from tests.timers.test_cycle_timers import CYCLE, REFS


@pytest.fixture
def dispatch_factory(recorder):
    return recorder.connect


def start(session) -> int:
    return services.start_process(session, user(session, OMG_SECRETARY), "review_cycle", entity(session, "OMG"),
                                  {"decision": "approve"}).id


def test_the_workers_hear_of_a_new_timer_at_the_commit_and_never_of_a_rolled_back_one(session, recorder):
    deploy(session, "review_cycle", CYCLE, refs=REFS)
    session.commit()
    start(session)
    session.rollback()
    instance_id = start(session)
    assert recorder.scheduled == [], "nothing before the commit, nothing of the rolled back start"
    session.commit()
    timer = session.scalar(select(Timer).where(Timer.instance_id == instance_id))
    assert recorder.scheduled == [(timer.id, timer.due_at)]


def test_suspend_resume_and_fire_now_tell_the_workers_which_timers(session, recorder):
    deploy(session, "review_cycle", CYCLE, refs=REFS)
    instance_id = start(session)
    session.commit()
    timer_id = session.scalar(select(Timer.id).where(Timer.instance_id == instance_id))
    admin = user(session, ADMIN)
    lifecycle.suspend(session, instance_id, admin)
    session.commit()
    assert recorder.cancelled == [timer_id]
    lifecycle.resume(session, instance_id, admin)
    session.commit()
    assert [scheduled for scheduled, _ in recorder.scheduled] == [timer_id, timer_id]
    durable.fire_now(session, timer_id)
    durable.schedule_now(session, timer_id)
    session.commit()
    assert recorder.due_now == [timer_id]


def test_a_queued_mail_is_handed_over_at_the_commit(app, session, recorder):
    app.extensions["vertrouwd_settings"].smtp_host = "127.0.0.1"  # QUEUED, not HELD
    message = queue_mail(session, "luc.vandenbroeck@gdpb.vlaanderen.example", "reminder", "reminder",
                         {"what": "Basisopleiding afronden", "due_date": "31-12-2026", "process": "Basisopleiding",
                          "entity": "Departement Omgeving", "task_id": 17})
    assert recorder.mails == []
    session.commit()
    assert recorder.mails == [message.id]
