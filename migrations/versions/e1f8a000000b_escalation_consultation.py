"""The PAPSY's consultation on a delicate case, sealed for its readers (never in the workflow data).

Revision ID: e1f8a000000b
Revises: e1f8a000000a
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a000000b"
down_revision = "e1f8a0000008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("papsy_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("body_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"],
                                name=op.f("fk_escalation_consultation_dossier_id_dossier"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["papsy_id"], ["user_account.id"],
                                name=op.f("fk_escalation_consultation_papsy_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_consultation")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_escalation_consultation_dossier_id")),
    )
    op.create_table(
        "consultation_key",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("reader", sa.String(length=10), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(length=128), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["escalation_consultation.id"],
                                name=op.f("fk_consultation_key_consultation_id_escalation_consultation"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("consultation_id", "reader", "reader_id", name=op.f("pk_consultation_key")),
    )


def downgrade() -> None:
    op.drop_table("consultation_key")
    op.drop_table("escalation_consultation")
