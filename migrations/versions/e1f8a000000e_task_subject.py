"""The instance's subject copied onto its tasks, so that the inbox searches the task table alone.

Revision ID: e1f8a000000e
Revises: e1f8a000000b
"""
from alembic import op
import sqlalchemy as sa

revision = "e1f8a000000e"
down_revision = "e1f8a000000b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=200), nullable=True))
    op.execute("UPDATE task SET subject = (SELECT process_instance.subject FROM process_instance "
               "WHERE process_instance.id = task.instance_id) "
               "WHERE task.instance_id IN (SELECT id FROM process_instance WHERE subject IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("subject")
