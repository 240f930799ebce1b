"""`vertrouwd worker`: an RQ worker with its scheduler, on the same database as the web."""
from __future__ import annotations

import logging

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from app.config import Settings
from app.db import db
from app.dossiers import audit
from app.engine import sandbox_budget
from app.engine.services import load_services
from app.logs import configure_logging
from workers import connection, dispatcher, reconciler

log = logging.getLogger(__name__)


def run_worker(settings: Settings, burst: bool = False) -> None:
    """Work the queue until stopped. SimpleWorker runs jobs in-process: no fork per timer, one DB pool."""
    configure_logging()
    db.configure(settings.database_url)
    connection.configure(settings)
    audit.configure(settings.audit_key)  # a job that appends to the audit log has no app context
    sandbox_budget.configure(settings.sandbox_max_bytes)  # the worker runs scripts too (timers, services)
    load_services()
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
