"""The audit chain's scheme per entry: entries written so far are plain SHA-256; `vertrouwd init` re-keys them
once with AUDIT_KEY (HMAC-SHA256), which every new entry uses.

Revision ID: e1f8a0000005
Revises: e1f8a0000004
Create Date: 2026-12-05 13:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e1f8a0000005'
down_revision = 'e1f8a0000004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scheme', sa.String(length=16), server_default='sha256', nullable=False))


def downgrade() -> None:
    # A keyed chain does not verify as plain SHA-256 after this: downgrading loses the audit log's integrity.
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('scheme')
