"""The translations of a process model version's texts, deployed with it (issue 9, defect 8).

Revision ID: e1f8a000000a
Revises: e1f8a0000009
"""
from alembic import op
import sqlalchemy as sa

revision = "e1f8a000000a"
down_revision = "e1f8a0000009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_model_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_model_version", schema=None) as batch_op:
        batch_op.drop_column("translations")
