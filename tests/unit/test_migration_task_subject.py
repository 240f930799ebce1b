"""Migration e1f8a000000e on a database with tasks: each task gets a copy of its instance's subject (the inbox
searches the task table alone), a task of an instance without one stays without; and it goes back down cleanly
(the search index too)."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from app.setup import alembic_config

ROWS = [
    "INSERT INTO entity (id, code, name) VALUES (1, 'OMG', 'Omgeving')",
    "INSERT INTO process_model (key, name) VALUES ('p', 'Proces')",
    "INSERT INTO process_model_version (id, model_key, version, bpmn_files, forms, spec_json, checksum, start_task, "
    "start_roles, created_at, visibility) VALUES (4, 'p', 1, '{}', '{}', '{}', 'x', 's', '[]', '2026-01-01', 'entity')",
    "INSERT INTO process_instance (id, model_version_id, entity_id, status, subject, state_json, lock_version, "
    "started_at, updated_at) VALUES (9, 4, 1, 'running', 'Jana Vermeulen', '{}', 1, '2026-01-01', '2026-01-01'), "
    "(10, 4, 1, 'running', NULL, '{}', 1, '2026-01-01', '2026-01-01')",
    "INSERT INTO task (id, instance_id, model_version_id, spiff_task_id, spec_name, title, lane, entity_id, state, "
    "created_at) VALUES (3, 9, 4, 'a', 's', 'Stap', 'papsy', 1, 'ready', '2026-01-01'), "
    "(5, 9, 4, 'b', 's', 'Stap', 'papsy', 1, 'completed', '2026-01-01'), "
    "(6, 10, 4, 'c', 's', 'Stap', 'papsy', 1, 'ready', '2026-01-01')",
]


def test_existing_tasks_get_their_instances_subject(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "e1f8a000000b")
    engine = create_engine(url)
    with engine.begin() as connection:
        for row in ROWS:
            connection.execute(text(row))
    command.upgrade(alembic_config(url), "e1f8a000000e")
    with engine.connect() as connection:
        subjects = dict(connection.execute(text("SELECT id, subject FROM task")).all())
    assert subjects == {3: "Jana Vermeulen", 5: "Jana Vermeulen", 6: None}
    command.downgrade(alembic_config(url), "e1f8a000000b")
    columns = {column["name"] for column in inspect(engine).get_columns("task")}
    indexes = {index["name"] for index in inspect(engine).get_indexes("task")}
    engine.dispose()
    assert "subject" not in columns and "model_version_id" in columns and "ix_task_search" not in indexes
