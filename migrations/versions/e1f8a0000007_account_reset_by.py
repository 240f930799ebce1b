"""Who last reset an account: that admin never approves the recovery of its dossiers.

Revision ID: e1f8a0000007
Revises: e1f8a0000002
"""
from alembic import op
import sqlalchemy as sa

revision = "e1f8a0000007"
down_revision = "e1f8a0000002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_reset_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_user_account_account_reset_by_id_user_account"), "user_account",
                                    ["account_reset_by_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_user_account_account_reset_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("account_reset_by_id")
