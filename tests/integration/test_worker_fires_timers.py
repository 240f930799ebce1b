"""A real RQ worker process on a real Redis fires a BPMN timer on PostgreSQL (the plumbing issue 3 builds on)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.config import PROJECT_ROOT
from app.db import db
from app.engine.registry import deploy
from app.models import InstanceStatus, ProcessInstance, Timer, TimerState
from app.workflow import services
from tests.conftest import build_app
from tests.helpers import OMG_SECRETARY, entity, user

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
FIXTURES = Path(__file__).parent / "fixtures"
START_FORM = {"schema": {"type": "object", "title": "Vraag", "required": ["wait_for"],
                         "properties": {"wait_for": {"type": "string", "title": "Wachttijd", "pattern": "^PT\\d+S$"}}},
              "ui": {}}


def deploy_short_timer(session):
    files = {"short_timer.bpmn": (FIXTURES / "short_timer.bpmn").read_text()}
    version = deploy(session, "short_timer", files, {"short_timer_start": START_FORM})
    session.commit()
    return version


def start_worker(database_url: str, redis_url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "RQ_QUEUE": "vertrouwd-test"}
    return subprocess.Popen([sys.executable, "-m", "workers.cli", "worker"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_process_fires_a_timer_once(pg_database_url, redis_url, redis_client, tmp_path):
    app = build_app(pg_database_url, redis_url, tmp_path)
    with app.app_context():
        session = db.session()
        deploy_short_timer(session)
        instance = services.start_process(session, user(session, OMG_SECRETARY), "short_timer",
                                          entity(session, "OMG"), {"wait_for": "PT2S"})
        session.commit()
        instance_id = instance.id
        timer = session.scalar(select(Timer).where(Timer.instance_id == instance_id))
        assert timer.state == TimerState.PENDING
        assert redis_client.zcard("vertrouwd:vertrouwd-test:timers") == 1, "the timer waits in Redis after commit"
    worker = start_worker(pg_database_url, redis_url)
    try:
        def completed() -> bool:
            db.session.remove()
            return db.session().get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
        fired = wait_for(completed, 20)
    finally:
        os.killpg(worker.pid, 15)
        output = worker.communicate(timeout=15)[0].decode()
    assert fired, f"the worker did not fire the timer:\n{output}"
    assert "Traceback" not in output, output
    db.session.remove()
    timer = db.session().get(Timer, timer.id)
    assert timer.state == TimerState.FIRED and timer.attempts == 1
    assert timer.fired_at >= timer.due_at
