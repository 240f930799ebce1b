"""The modeler: drafts per admin, scenario tests kept with each version, the filters of a bulk migration.

Revision ID: e1f8a0000014
Revises: e1f8a0000013
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000014"
down_revision = "e1f8a0000013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(length=100), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("scenarios", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "model_key"),
    )
    with op.batch_alter_table("process_model_version") as batch:
        batch.add_column(sa.Column("scenarios", sa.JSON(), nullable=True))
    with op.batch_alter_table("migration_run") as batch:
        batch.add_column(sa.Column("filters", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("migration_run") as batch:
        batch.drop_column("filters")
    with op.batch_alter_table("process_model_version") as batch:
        batch.drop_column("scenarios")
    op.drop_table("model_draft")
