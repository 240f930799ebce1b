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
    _seal_clear_totp_secrets()


def _seal_clear_totp_secrets() -> None:
    """The secrets stored in clear until now are sealed under TOTP_KEY, once, here: after this upgrade a clear
    value is refused (whoever plants one in the database makes no codes with it)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, totp_secret FROM user_account WHERE totp_secret IS NOT NULL")).all()
    clear = [(user_id, secret) for user_id, secret in rows if not secret.startswith("v1:")]
    if not clear:
        return
    from app.auth import second_factor
    from app.config import Settings

    second_factor.configure(Settings().totp_key)
    for user_id, secret in clear:
        bind.execute(sa.text("UPDATE user_account SET totp_secret = :sealed WHERE id = :id"),
                     {"sealed": second_factor.seal_secret(user_id, secret), "id": user_id})


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
