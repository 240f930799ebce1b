"""The RQ job of a bulk migration (app/modeling/migrations.py): a batch of instances, then itself again for the
rest, so a long run shows its progress and a killed worker loses at most the instance it was moving."""
from __future__ import annotations

from app.db import db
from app.modeling import migrations


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
        migrations.enqueue(run_id)
        return "continues"
    return "finished"
