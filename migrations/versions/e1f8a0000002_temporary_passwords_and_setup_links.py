"""Temporary passwords and one-time setup links: a key pair is sealed only under a password its owner chose.

Revision ID: e1f8a0000002
Revises: e1f8a0000003
Create Date: 2026-12-05 13:10:00.000000
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = 'e1f8a0000002'
down_revision = 'e1f8a0000003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('setup_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_setup_link_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_setup_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_setup_link_token_hash'))
    )
    with op.batch_alter_table('setup_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_setup_link_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_temporary', sa.Boolean(), nullable=False, server_default=sa.false()))
    # A password without a key pair was given by an admin (the first login would have sealed a key under it):
    # its owner chooses their own at the next login.
    op.execute("UPDATE user_account SET password_temporary = TRUE WHERE password_hash IS NOT NULL "
               "AND id NOT IN (SELECT user_id FROM user_key)")


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('password_temporary')

    with op.batch_alter_table('setup_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_setup_link_user_id'))

    op.drop_table('setup_link')
