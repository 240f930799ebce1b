"""The inbox: who claimed a task and when, the task's model version (copied from its instance, so that the inbox
filters on one table), an index that covers its filters, counts and sort orders, saved filters.

Revision ID: e1f8a0000008
Revises: e1f8a000000a (made alongside the instance list and the translated models)
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000008"
down_revision = "e1f8a000000a"
branch_labels = None
depends_on = None

OLD_INBOX_INDEX = ["state", "lane", "entity_id"]
TASK_INDEXES = {  # the inbox's: its columns cover the filters, counts and sort orders (index-only scans)
    "ix_task_inbox": ["state", "lane", "entity_id", "assignee_id", "due_at", "model_version_id", "open_to_lane_at",
                      "created_at", "id"],
}


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("model_version_id", sa.Integer(), nullable=True))
    op.execute("UPDATE task SET model_version_id = (SELECT process_instance.model_version_id FROM process_instance "
               "WHERE process_instance.id = task.instance_id)")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.alter_column("model_version_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_task_model_version_id_process_model_version"),
                                    "process_model_version", ["model_version_id"], ["id"])
        batch_op.drop_index("ix_task_inbox")
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
        batch_op.create_index("ix_task_inbox", OLD_INBOX_INDEX, unique=False)
        batch_op.drop_constraint(batch_op.f("fk_task_model_version_id_process_model_version"), type_="foreignkey")
        batch_op.drop_column("model_version_id")
        batch_op.drop_column("claimed_at")
