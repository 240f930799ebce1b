"""`vertrouwd worker`: an RQ worker with its scheduler, on the same database as the web."""
from __future__ import annotations

import importlib
import logging
import os

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from app import configure_process
from app.config import Settings
from app.logs import configure_logging
from workers import connection, dispatcher, reconciler, rq_dispatch

log = logging.getLogger(__name__)
# Comma-separated modules with more service tasks: tests and benchmarks give worker processes services of their own.
EXTRA_SERVICES = "VERTROUWD_EXTRA_SERVICE_MODULES"


def run_worker(settings: Settings, burst: bool = False) -> None:
    """Work the queue until stopped. SimpleWorker runs jobs in-process: no fork per timer, one DB pool."""
    configure_logging()
    # The jobs run the engine (timers, service tasks, scripts) and hand new work back through RQ.
    configure_process(settings, rq_dispatch.connect)
    _import_extra_services()
    worker = SimpleWorker([connection.queue()], connection=connection.redis_connection(),
                          serializer=JSONSerializer)
    log.info("worker %s on queue %s", worker.name, settings.rq_queue)
    stop_reconciler = reconciler.start_thread(settings.reconcile_seconds)
    stop_dispatcher = dispatcher.start_thread()
    try:
        worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
    finally:
        stop_dispatcher.set()
        stop_reconciler.set()


def _import_extra_services() -> None:
    for module in os.environ.get(EXTRA_SERVICES, "").split(","):
        if module.strip():
            importlib.import_module(module.strip())
