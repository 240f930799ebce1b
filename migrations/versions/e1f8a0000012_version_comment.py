"""A deployed process version keeps why it was deployed (`vertrouwd model deploy --comment`, the API's "comment").

Revision ID: e1f8a0000012
Revises: e1f8a0000011
"""
from alembic import op
import sqlalchemy as sa

revision = "e1f8a0000012"
down_revision = "e1f8a0000011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_model_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_model_version", schema=None) as batch_op:
        batch_op.drop_column("comment")
