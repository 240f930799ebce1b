"""Published reports, frozen: a report of a year is made once and then served unchanged, so that two copies of it
cannot be subtracted to isolate the dossier or fact registered in between.

Revision ID: e1f8a0000018
Revises: e1f8a0000017
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000018"
down_revision = "e1f8a0000017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_snapshot",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("scope", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("k", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("report_snapshot")
