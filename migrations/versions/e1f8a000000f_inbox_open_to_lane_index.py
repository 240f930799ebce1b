"""The inbox at 100,000 instances: the READY tasks open to their whole lane in an index of their own, so that the
inbox reads a user's scope as its parts (the tasks of the entities they act for from ix_task_inbox, those of other
entities open to the lane from here) instead of every task of the lane.

Revision ID: e1f8a000000f
Revises: e1f8a000000e
"""
from alembic import op
import sqlalchemy as sa

revision = "e1f8a000000f"
down_revision = "e1f8a000000e"
branch_labels = None
depends_on = None

OPEN_READY = sa.text("state = 'ready' AND open_to_lane_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_task_open_to_lane", "task",
                    ["lane", "open_to_lane_at", "entity_id", "assignee_id", "due_at", "model_version_id", "created_at",
                     "id"], postgresql_where=OPEN_READY, sqlite_where=OPEN_READY)


def downgrade() -> None:
    op.drop_index("ix_task_open_to_lane", table_name="task")
