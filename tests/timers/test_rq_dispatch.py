"""The RQ side of the dispatch port (workers/rq_dispatch.py, real Redis): each call of the port becomes the waiting
timer or the job a worker runs, under the dotted paths that jobs already in Redis carry."""
from __future__ import annotations

import importlib
from datetime import datetime, timezone

from rq.job import Job
from rq.serializers import JSONSerializer

from app import dispatch
from workers import scheduling
from workers.rq_dispatch import RQDispatch

DUE = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
QUEUE_LIST = "rq:queue:vertrouwd-test"


def queued(redis_client) -> list[tuple[str, list]]:
    jobs = [Job.fetch(job_id.decode(), connection=redis_client, serializer=JSONSerializer)
            for job_id in redis_client.lrange(QUEUE_LIST, 0, -1)]
    return [(job.func_name, job.args) for job in jobs]


def test_the_app_is_handed_the_rq_dispatcher(app):
    assert isinstance(dispatch.current(), RQDispatch)


def test_changed_timers_wait_in_the_sorted_set_and_cancelled_ones_leave_it(app, redis_client):
    port = dispatch.current()
    port.timers_changed([(1, DUE), (2, DUE)], [])
    port.timers_changed([], [1])
    waiting = dict(redis_client.zrange(scheduling.timers_key(), 0, -1, withscores=True))
    assert waiting == {b"2": (DUE + scheduling.NOT_BEFORE).timestamp()} and queued(redis_client) == []


def test_timers_due_now_mail_and_migrations_become_jobs_under_their_old_paths(app, redis_client):
    port = dispatch.current()
    port.timers_due_now([7])
    port.mail_queued(8)
    port.migration_queued(9)
    assert queued(redis_client) == [("workers.jobs.fire_timer", [7]), ("workers.mail_jobs.send_mail", [8]),
                                    ("workers.migration_jobs.run_migration", [9])]


def test_every_job_path_named_by_scheduling_is_a_function_of_workers():
    for path in (scheduling.FIRE_TIMER, scheduling.FIRE_TIMERS, scheduling.NOTIFY_TASKS):
        module, name = path.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name)), path
