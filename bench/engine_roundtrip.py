"""Engine round trip: the service layer against raw SpiffWorkflow, completing the same user task N times.

Service layer: `complete_task` on N appointment instances waiting at "Aanstelling nakijken"
(load the rows, check the task and the user, validate the form, run, save state + projection, commit).
Raw SpiffWorkflow: the same task from the same serialized state N times, in memory
(deserialize, run, serialize). Prints both medians and their ratio, on SQLite, and on PostgreSQL
when DATABASE_URL points at one (a scratch database is created there and dropped afterwards).

    .venv/bin/python bench/engine_roundtrip.py [-n 500]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.parser import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.config import PROJECT_ROOT  # noqa: E402
from app.db import db  # noqa: E402
from tests.conftest import _create_pg_database, _drop_pg_database, _migrate, build_app  # noqa: E402
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, user  # noqa: E402

REVIEW = {"decision": "send_back", "send_back_reason": "Graag de referentie van het verslag toevoegen"}


def raw_spiff(n: int) -> list[float]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(PROJECT_ROOT / "bpmn" / "appointment.bpmn")])
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    workflow = BpmnWorkflow(parser.get_spec("appointment"))
    workflow.do_engine_steps()
    submit = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    submit.data.update(appointment_data())
    submit.run()
    workflow.do_engine_steps()
    state = serializer.serialize_json(workflow)
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        workflow = serializer.deserialize_json(state)
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(REVIEW)
        task.run()
        workflow.do_engine_steps()
        serializer.serialize_json(workflow)
        timings.append(time.perf_counter() - started)
    return timings


def service_layer(database_url: str, n: int) -> list[float]:
    from app.models import Task, TaskState as RowState
    from app.workflow import services

    app = build_app(database_url, os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"), Path(tempfile.mkdtemp()))
    timings = []
    with app.app_context():
        session = db.session()
        secretary, papsy, omg = user(session, OMG_SECRETARY), user(session, OMG_PAPSY), entity(session, "OMG")
        for _ in range(n):
            services.start_process(session, secretary, "appointment", omg, appointment_data())
        session.commit()
        task_ids = session.scalars(select(Task.id).where(Task.state == RowState.READY)).all()
        db.session.remove()
        for task_id in task_ids:
            session = db.session()
            papsy = session.get(type(papsy), papsy.id)
            started = time.perf_counter()
            services.complete_task(session, papsy, task_id, REVIEW)
            session.commit()
            timings.append(time.perf_counter() - started)
            db.session.remove()
    return timings


def report(label: str, service: list[float], raw: list[float]) -> None:
    s, r = statistics.median(service) * 1000, statistics.median(raw) * 1000
    print(f"{label:<12} service layer median {s:7.2f} ms   raw SpiffWorkflow median {r:7.2f} ms   "
          f"ratio {s / r:5.2f}   (n={len(service)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="completions per run (default 500)")
    n = parser.parse_args().n
    sqlite_url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    _migrate(sqlite_url)
    report("SQLite", service_layer(sqlite_url, n), raw_spiff(n))
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("postgresql"):
        pg_url = _create_pg_database(configured)
        try:
            _migrate(pg_url)
            report("PostgreSQL", service_layer(pg_url, n), raw_spiff(n))
        finally:
            _drop_pg_database(pg_url)


if __name__ == "__main__":
    main()
