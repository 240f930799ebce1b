"""A page of the inbox in deadline order reads each part of the user's scope from an index in that order, stopping
at the page's end, instead of sorting every READY task of the scope (app/workflow/inbox.py _page_union).

Revision ID: e1f8a0000010
Revises: e1f8a000000f
"""
from alembic import op
import sqlalchemy as sa

revision = "e1f8a0000010"
down_revision = "e1f8a000000f"
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")


def upgrade() -> None:
    op.create_index("ix_task_inbox_due", "task", ["lane", "due_at", "id"],
                    postgresql_include=["entity_id", "assignee_id", "model_version_id", "open_to_lane_at", "created_at"],
                    postgresql_where=READY, sqlite_where=READY)


def downgrade() -> None:
    op.drop_index("ix_task_inbox_due", table_name="task")
