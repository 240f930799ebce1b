"""Bulk migrations: a run per admin request, a result per instance (so a run left halfway continues).

Revision ID: e1f8a0000013
Revises: e1f8a0000012
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000013"
down_revision = "e1f8a0000012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "migration_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(length=100), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["model_key"], ["process_model.key"]),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "migration_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["migration_run.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "instance_id"),
    )


def downgrade() -> None:
    op.drop_table("migration_result")
    op.drop_table("migration_run")
