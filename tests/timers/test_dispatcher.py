"""The dispatcher moves due timers from the waiting set onto the RQ queue: on time, each once, with several
dispatchers at once (real Redis)."""
from __future__ import annotations

import threading

import time_machine
from datetime import datetime, timedelta, timezone

from workers import dispatcher
from rq.job import Job
from rq.serializers import JSONSerializer

from workers.scheduling import batch_map_key, cancel_jobs, schedule_timers, timers_key

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
QUEUE_LIST = "rq:queue:vertrouwd-test"


def queued(redis_client) -> list[int]:
    """The timer ids carried by the jobs on the queue, in queue order."""
    ids = []
    for job_id_ in redis_client.lrange(QUEUE_LIST, 0, -1):
        job = Job.fetch(job_id_.decode(), connection=redis_client, serializer=JSONSerializer)
        assert job.func_name == "workers.jobs.fire_timers"
        ids.extend(job.args[0])
    return ids


def test_only_due_timers_are_enqueued_to_the_millisecond(app, redis_client):
    with app.app_context():
        schedule_timers([(1, T0), (2, T0 + timedelta(milliseconds=300)), (3, T0 + timedelta(seconds=5))])
        assert dispatcher.dispatch_due((T0 - timedelta(milliseconds=1)).timestamp()) == 0
        assert dispatcher.dispatch_due((T0 + timedelta(milliseconds=2)).timestamp()) == 1
        assert queued(redis_client) == [1]
        assert dispatcher.dispatch_due((T0 + timedelta(milliseconds=302)).timestamp()) == 1
        assert queued(redis_client) == [1, 2]
        assert redis_client.zcard(timers_key()) == 1, "timer 3 still waits"


def test_rescheduling_moves_a_timer_and_cancelling_removes_it(app, redis_client):
    with app.app_context():
        schedule_timers([(1, T0), (2, T0)])
        schedule_timers([(1, T0 + timedelta(hours=1))])
        cancel_jobs([2])
        assert dispatcher.dispatch_due((T0 + timedelta(minutes=1)).timestamp()) == 0
        assert dispatcher.dispatch_due((T0 + timedelta(hours=2)).timestamp()) == 1
        assert queued(redis_client) == [1]


def test_concurrent_dispatchers_enqueue_each_timer_once(app, redis_client):
    count = 2000
    with app.app_context():
        schedule_timers([(timer_id, T0 + timedelta(milliseconds=timer_id)) for timer_id in range(1, count + 1)])
        later = (T0 + timedelta(minutes=1)).timestamp()
        barrier = threading.Barrier(4)

        def run() -> None:
            barrier.wait()
            with app.app_context():
                dispatcher.dispatch_due(later)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    ids = queued(redis_client)
    assert len(ids) == count and len(set(ids)) == count
    assert redis_client.llen(QUEUE_LIST) == count // dispatcher.BATCH, "timers due together share a job"
    assert redis_client.hlen(batch_map_key()) == count, "the reconciler can tell which job carries each timer"


def test_the_reconciler_sees_the_batch_that_carries_a_timer(app, redis_client):
    from workers import reconciler

    with app.app_context(), time_machine.travel(T0 + timedelta(milliseconds=500), tick=False) as clock:
        schedule_timers([(1, T0), (2, T0)])
        assert reconciler.jobs_lost([1, 2]) == [], "a dispatcher takes it any moment: not lost"
        clock.move_to(T0 + timedelta(seconds=10))
        assert reconciler.jobs_lost([1, 2]) == [1, 2], "no dispatcher took it in 10 s: lost"
        dispatcher.dispatch_due()
        assert reconciler.jobs_lost([1, 2]) == [], "on the queue in one batch job"
        [batch] = redis_client.lrange(QUEUE_LIST, 0, -1)
        redis_client.delete(f"rq:job:{batch.decode()}")  # the batch job is lost (say, Redis lost that key)
        assert reconciler.jobs_lost([1, 2]) == [1, 2]
