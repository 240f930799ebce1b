"""confidant training (R11): due, certified, role ended; task.notified_at

Revision ID: b7c1d2e3f4a5
Revises: ea02a4562971
Create Date: 2026-11-28 05:35:00
"""
from alembic import op
import sqlalchemy as sa

revision = "b7c1d2e3f4a5"
down_revision = "ea02a4562971"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("confidant") as batch_op:
        batch_op.add_column(sa.Column("training_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("training_certified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("training_role_ended_on", sa.Date(), nullable=True))
    with op.batch_alter_table("task") as batch_op:
        batch_op.add_column(sa.Column("notified_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task") as batch_op:
        batch_op.drop_column("notified_at")
    with op.batch_alter_table("confidant") as batch_op:
        batch_op.drop_column("training_role_ended_on")
        batch_op.drop_column("training_certified_on")
        batch_op.drop_column("training_due_on")
