"""Migration e1f8a000000c: the instance list's participation and covering indexes replace the single-column ones,
and it goes back down cleanly."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from app.setup import alembic_config


def indexes(engine, table: str) -> dict[str, list[str]]:
    return {index["name"]: index["column_names"] for index in inspect(engine).get_indexes(table)}


def test_participation_is_indexed_per_person_and_entity_or_version_and_goes_back_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "e1f8a000000c")
    engine = create_engine(url)
    task, instance = indexes(engine, "task"), indexes(engine, "process_instance")
    assert task["ix_task_completed_by_entity"] == ["completed_by_id", "entity_id", "instance_id"]
    assert task["ix_task_offered"] == ["lane", "model_version_id", "entity_id", "instance_id"]
    assert "ix_task_completed_by_id" not in task and "ix_task_assignee_id" not in task
    assert instance["ix_process_instance_started_by_id"] == ["started_by_id", "id"]
    command.downgrade(alembic_config(url), "e1f8a000000b")
    task, instance = indexes(engine, "task"), indexes(engine, "process_instance")
    engine.dispose()
    assert task["ix_task_completed_by_id"] == ["completed_by_id"] and "ix_task_offered" not in task
    assert instance["ix_process_instance_started_by_id"] == ["started_by_id"]
