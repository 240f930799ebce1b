"""The inbox: who claimed a task and when, the indexes of its filters and sort orders, saved filters.

Revision ID: e1f8a0000008
Revises: e1f8a0000007
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000008"
down_revision = "e1f8a0000007"
branch_labels = None
depends_on = None

TASK_INDEXES = {
    "ix_task_assignee": ["assignee_id", "state"],
    "ix_task_open_to_lane": ["state", "lane", "open_to_lane_at"],
    "ix_task_state_due": ["state", "due_at", "id"],
    "ix_task_state_created": ["state", "created_at", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        for name, columns in TASK_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    op.create_table(
        "saved_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_saved_filter_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_filter")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_filter_user_id")),
    )


def downgrade() -> None:
    op.drop_table("saved_filter")
    with op.batch_alter_table("task", schema=None) as batch_op:
        for name in TASK_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column("claimed_at")
