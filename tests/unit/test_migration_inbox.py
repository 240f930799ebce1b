"""Migration e1f8a0000008 on a database with tasks: each task gets its instance's model version (the inbox filters
on the task table alone); nobody has claimed anything yet; and it goes back down cleanly."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text

from app.setup import alembic_config

ROWS = [
    "INSERT INTO entity (id, code, name) VALUES (1, 'OMG', 'Omgeving')",
    "INSERT INTO process_model (key, name) VALUES ('p', 'Proces')",
    "INSERT INTO process_model_version (id, model_key, version, bpmn_files, forms, spec_json, checksum, start_task, "
    "start_roles, created_at, visibility) VALUES (4, 'p', 1, '{}', '{}', '{}', 'x', 's', '[]', '2026-01-01', 'entity')",
    "INSERT INTO process_instance (id, model_version_id, entity_id, status, state_json, lock_version, started_at, "
    "updated_at) VALUES (9, 4, 1, 'running', '{}', 1, '2026-01-01', '2026-01-01')",
    "INSERT INTO task (id, instance_id, spiff_task_id, spec_name, title, lane, entity_id, assignee_id, state, "
    "created_at) VALUES (3, 9, 'a', 's', 'Stap', 'papsy', 1, NULL, 'ready', '2026-01-01')",
]


def test_existing_tasks_get_their_instances_model_version(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "e1f8a0000007")
    engine = create_engine(url)
    with engine.begin() as connection:
        for row in ROWS:
            connection.execute(text(row))
    command.upgrade(alembic_config(url), "e1f8a0000008")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT model_version_id, claimed_at FROM task WHERE id = 3")).one() == (4, None)
    command.downgrade(alembic_config(url), "e1f8a0000007")
    indexes = {index["name"]: index["column_names"] for index in inspect(engine).get_indexes("task")}
    columns = {column["name"] for column in inspect(engine).get_columns("task")}
    engine.dispose()
    assert indexes["ix_task_inbox"] == ["state", "lane", "entity_id"] and "model_version_id" not in columns
