"""The instance list at 100,000 instances, part two: who takes part where, and covering indexes.

A PAPSY's participation beyond their entities is looked up per person and entity or model version (their thousands of
tasks in their own entities' ordinary instances are not read), the open tasks offered to a whole lane apart from the
others; the list's pages (the subject searched too) and its counts per status of an entity scope read only the index,
not the table (on PostgreSQL the columns they test are included).

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
OPEN_TO_LANE = "ix_task_open_to_lane"
OLD_TASK_INDEXES = {"ix_task_assignee_id": ["assignee_id"], "ix_task_completed_by_id": ["completed_by_id"]}
INSTANCE_INDEXES = {  # name: (columns, included columns)
    "ix_process_instance_started": (["started_at", "id"], ["entity_id", "model_version_id", "status", "subject"]),
    "ix_process_instance_entity_started": (["entity_id", "started_at", "id"], ["model_version_id", "status"]),
}


def upgrade() -> None:
    for name in OLD_TASK_INDEXES:
        op.drop_index(name, table_name="task")
    for name, columns in TASK_INDEXES.items():
        op.create_index(name, "task", columns)
    op.create_index(OPEN_TO_LANE, "task", ["lane", "open_to_lane_at", "entity_id", "model_version_id", "instance_id"],
                    postgresql_where=sa.text("state = 'ready' AND open_to_lane_at IS NOT NULL"))
    for name, (columns, included) in INSTANCE_INDEXES.items():
        op.drop_index(name, table_name="process_instance")
        op.create_index(name, "process_instance", columns, postgresql_include=included)


def downgrade() -> None:
    for name, (columns, _) in INSTANCE_INDEXES.items():
        op.drop_index(name, table_name="process_instance")
        op.create_index(name, "process_instance", columns)
    op.drop_index(OPEN_TO_LANE, table_name="task")
    for name in TASK_INDEXES:
        op.drop_index(name, table_name="task")
    for name, columns in OLD_TASK_INDEXES.items():
        op.create_index(name, "task", columns)
