"""The dispatcher: moves due timers from the queue's sorted set onto the RQ queue, to the millisecond.

Every worker runs one in a thread. Taking the due entries is a single Lua script (read, remove and note
the batch job of each at once), so with several workers each timer is moved by exactly one of them; if
that worker dies before its enqueue reached Redis, the timer is still pending in the database and the
reconciler enqueues it again. Timers due together travel in one job (at most BATCH): RQ spends some 25
round trips to Redis on every job, more than firing a timer costs.
"""
from __future__ import annotations

import logging
import threading
import time

from workers import connection
from workers import scheduling
from workers.scheduling import timers_key

log = logging.getLogger(__name__)
POLL_SECONDS = 0.05
BATCH = 20

# KEYS: waiting set, batch counter, timer -> batch job map; ARGV: now, batch size, job id prefix
_TAKE_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due == 0 then return {} end
redis.call('ZREM', KEYS[1], unpack(due))
local job = ARGV[3] .. redis.call('INCR', KEYS[2])
for _, id in ipairs(due) do redis.call('HSET', KEYS[3], id, job) end
return {job, due}
"""


def dispatch_due(moment: float | None = None) -> int:
    """Enqueue every timer due at ``moment`` (default: now), in batches; returns how many timers."""
    take = connection.redis_connection().register_script(_TAKE_DUE)
    keys = [timers_key(), scheduling.batch_counter_key(), scheduling.batch_map_key()]
    moved = 0
    while True:
        taken = take(keys=keys, args=[moment if moment is not None else time.time(), BATCH,
                                      scheduling.batch_job_prefix()])
        if not taken:
            return moved
        job, due = taken[0].decode(), [int(member) for member in taken[1]]
        scheduling.enqueue_batch(job, due)
        moved += len(due)
        if len(due) < BATCH:
            return moved


def start_thread(poll_seconds: float = POLL_SECONDS) -> threading.Event:
    """Run ``dispatch_due`` every ``poll_seconds`` in a daemon thread; set the event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                dispatch_due()
            except Exception:  # Redis away for a moment: the next round tries again
                log.exception("dispatcher round failed")
                stop.wait(1)
            stop.wait(poll_seconds)

    threading.Thread(target=loop, name="dispatcher", daemon=True).start()
    return stop
