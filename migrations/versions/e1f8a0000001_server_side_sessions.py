"""Server-side sessions replace the held keys' table; TOTP secrets are stored sealed (a longer column).

Revision ID: e1f8a0000001
Revises: d5e6f7a8b9c0
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000001"
down_revision = "d5e6f7a8b9c0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("sealed_data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_web_session_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_session_last_seen_at"), ["last_seen_at"], unique=False)
    # Held keys now live inside the sealed session data; every session held in the old table ends here.
    with op.batch_alter_table("unlocked_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unlocked_key_user_id"))
        batch_op.drop_index(batch_op.f("ix_unlocked_key_expires_at"))
    op.drop_table("unlocked_key")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=128),
                              existing_nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=128), type_=sa.String(length=64),
                              existing_nullable=True)
    op.create_table(
        "unlocked_key",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sealed_private", sa.LargeBinary(length=128), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_unlocked_key_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unlocked_key")),
    )
    with op.batch_alter_table("unlocked_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unlocked_key_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_unlocked_key_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_last_seen_at"))
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))
    op.drop_table("web_session")
