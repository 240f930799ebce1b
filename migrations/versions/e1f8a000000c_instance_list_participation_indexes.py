"""The instance list at 100,000 instances, part two: who takes part where, and covering indexes.

A PAPSY's participation beyond their entities is looked up per person and entity or model version (their thousands of
tasks in their own entities' ordinary instances are not read); the open tasks nobody has (per lane and model version,
and those offered to the whole lane apart) and what someone started are found in indexes alone; the list's pages (the
subject searched too) and its counts per status of an entity scope read only the index, not the table (on PostgreSQL
the columns they test are included).

Revision ID: e1f8a000000c
Revises: e1f8a000000b
"""
import sqlalchemy as sa
from alembic import op

revision = "e1f8a000000c"
down_revision = "e1f8a000000b"
branch_labels = None
depends_on = None

TASK_INDEXES = {
    "ix_task_assignee_entity": ["assignee_id", "entity_id", "instance_id"],
    "ix_task_assignee_version": ["assignee_id", "model_version_id", "instance_id"],
    "ix_task_completed_by_entity": ["completed_by_id", "entity_id", "instance_id"],
    "ix_task_completed_by_version": ["completed_by_id", "model_version_id", "instance_id"],
}
OFFERED = "state = 'ready' AND assignee_id IS NULL"
OFFERED_INDEXES = {  # name: (columns, condition on PostgreSQL)
    "ix_task_offered": (["lane", "model_version_id", "entity_id", "instance_id"], OFFERED),
    "ix_task_offered_to_lane": (["lane", "open_to_lane_at", "entity_id", "model_version_id", "instance_id"],
                                OFFERED + " AND open_to_lane_at IS NOT NULL"),
}
OLD_TASK_INDEXES = {"ix_task_assignee_id": ["assignee_id"], "ix_task_completed_by_id": ["completed_by_id"]}
STARTER = "ix_process_instance_started_by_id"  # and the id: what they started, from the index alone
INSTANCE_INDEXES = {  # name: (columns, included columns)
    "ix_process_instance_started": (["started_at", "id"], ["entity_id", "model_version_id", "status", "subject"]),
    "ix_process_instance_entity_started": (["entity_id", "started_at", "id"], ["model_version_id", "status"]),
}


def upgrade() -> None:
    for name in OLD_TASK_INDEXES:
        op.drop_index(name, table_name="task")
    for name, columns in TASK_INDEXES.items():
        op.create_index(name, "task", columns)
    for name, (columns, condition) in OFFERED_INDEXES.items():
        op.create_index(name, "task", columns, postgresql_where=sa.text(condition))
    op.drop_index(STARTER, table_name="process_instance")
    op.create_index(STARTER, "process_instance", ["started_by_id", "id"])
    for name, (columns, included) in INSTANCE_INDEXES.items():
        op.drop_index(name, table_name="process_instance")
        op.create_index(name, "process_instance", columns, postgresql_include=included)


def downgrade() -> None:
    for name, (columns, _) in INSTANCE_INDEXES.items():
        op.drop_index(name, table_name="process_instance")
        op.create_index(name, "process_instance", columns)
    op.drop_index(STARTER, table_name="process_instance")
    op.create_index(STARTER, "process_instance", ["started_by_id"])
    for name in OFFERED_INDEXES:
        op.drop_index(name, table_name="task")
    for name in TASK_INDEXES:
        op.drop_index(name, table_name="task")
    for name, columns in OLD_TASK_INDEXES.items():
        op.create_index(name, "task", columns)
