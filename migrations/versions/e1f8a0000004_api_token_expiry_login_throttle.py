"""Hardening (issue 8): API tokens expire; failed logins per address are counted for a growing delay.

Revision ID: e1f8a0000004
Revises: e1f8a0000001
Create Date: 2026-12-05 13:10:00.000000
"""
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

from app.db import UTCDateTime

revision = 'e1f8a0000004'
down_revision = 'e1f8a0000001'
branch_labels = None
depends_on = None

EXISTING_TOKENS_DAYS = 90  # tokens made before expiry existed keep working this long after the upgrade


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', UTCDateTime(), nullable=True))
    expires = datetime.now(timezone.utc) + timedelta(days=EXISTING_TOKENS_DAYS)
    api_token = sa.table('api_token', sa.column('expires_at', UTCDateTime()))
    op.execute(api_token.update().values(expires_at=expires))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=UTCDateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    op.drop_table('login_throttle')
