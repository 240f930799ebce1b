"""The RQ job of a bulk migration (app/modeling/migrations.py): a batch of instances, then itself again for the
rest, so a long run shows its progress and a killed worker loses at most the instance it was moving."""
from __future__ import annotations

from app import dispatch
from app.db import db
from app.modeling import migrations
from workers.connection import queue


def enqueue(run_id: int) -> None:
    """Put the next batch of the run on the queue."""
    queue().enqueue(run_migration, run_id)


def run_migration(run_id: int) -> str:
    session = db.session()
    try:
        finished = migrations.run_batch(session, run_id)
    except Exception:
        session.rollback()
        raise
    finally:
        db.session.remove()
    if not finished:
        dispatch.current().migration_queued(run_id)
        return "continues"
    return "finished"
