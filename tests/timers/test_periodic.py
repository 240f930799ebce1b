"""Periodic jobs run once per period, whoever asks how often (app/periodic.py)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app import periodic
from app.db import db
from app.models import PeriodicRun

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def jobs(app):
    calls: list[str] = []
    saved = dict(periodic.JOBS)
    periodic.JOBS.clear()

    @periodic.periodic("test.daily", hour=3)
    def daily(session, moment):
        calls.append("daily")
        return 7

    @periodic.periodic("test.weekly", every=periodic.WEEKLY, hour=6, weekday=0)
    def weekly(session, moment):
        calls.append("weekly")
        return 1

    yield calls
    periodic.JOBS.clear()
    periodic.JOBS.update(saved)


def test_a_daily_job_runs_once_a_day_from_its_hour(app, jobs, time_machine):
    time_machine.move_to("2026-12-07 01:30:00+00:00")  # 02:30 in Brussels: before the hour
    assert periodic.run_due(db.session, BRUSSELS, ["test.daily"]) == []
    time_machine.move_to("2026-12-07 02:05:00+00:00")
    assert periodic.run_due(db.session, BRUSSELS, ["test.daily"]) == ["test.daily"]
    assert periodic.run_due(db.session, BRUSSELS, ["test.daily"]) == []
    time_machine.move_to("2026-12-08 09:00:00+00:00")
    assert periodic.run_due(db.session, BRUSSELS) == ["test.daily", "test.weekly"]
    assert jobs == ["daily", "daily", "weekly"]
    runs = db.session().execute(select(PeriodicRun.job, PeriodicRun.period, PeriodicRun.result)
                                .order_by(PeriodicRun.job, PeriodicRun.period)).all()
    assert runs == [("test.daily", "2026-12-07", 7), ("test.daily", "2026-12-08", 7), ("test.weekly", "2026-W50", 1)]


def test_a_weekly_job_runs_once_a_week_from_its_weekday_and_hour(app, jobs, time_machine):
    time_machine.move_to("2026-12-14 04:00:00+00:00")  # Monday 05:00 in Brussels: still last week's period
    assert periodic.run_due(db.session, BRUSSELS, ["test.weekly"]) == ["test.weekly"]
    time_machine.move_to("2026-12-14 06:00:00+00:00")  # Monday 07:00: this week's
    assert periodic.run_due(db.session, BRUSSELS, ["test.weekly"]) == ["test.weekly"]
    time_machine.move_to("2026-12-20 22:00:00+00:00")
    assert periodic.run_due(db.session, BRUSSELS, ["test.weekly"]) == []
    periods = db.session().scalars(select(PeriodicRun.period).order_by(PeriodicRun.period)).all()
    assert periods == ["2026-W50", "2026-W51"]


def test_a_failing_job_leaves_no_run_and_is_tried_again(app, jobs, time_machine):
    time_machine.move_to("2026-12-07 10:00:00+00:00")
    attempts = []

    @periodic.periodic("test.flaky")
    def flaky(session, moment):
        attempts.append(1)
        session.add(PeriodicRun(job="half-done", period="x"))
        if len(attempts) == 1:
            raise RuntimeError("the first attempt fails")
        return 0

    assert periodic.run_due(db.session, BRUSSELS, ["test.flaky"]) == []
    assert db.session().scalar(select(PeriodicRun.job)) is None  # neither its run nor its half-done work
    assert periodic.run_due(db.session, BRUSSELS, ["test.flaky"]) == ["test.flaky"]
    assert len(attempts) == 2
