"""Confidential processes: a model version's visibility (from its BPMN), and the pending shares of a delicate
case's summary with a PAPSY who took it up late.

Revision ID: e1f8a0000003
Revises: e1f8a0000006
Create Date: 2026-12-05 13:00:00
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = 'e1f8a0000003'
down_revision = 'e1f8a0000006'
branch_labels = None
depends_on = None

# Versions deployed before their BPMN declared it: the delicate case and the key recovery were confidential.
CONFIDENTIAL = ('delicate_case', 'key_recovery')


def upgrade() -> None:
    with op.batch_alter_table('process_model_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=20), server_default='entity', nullable=False))
    version = sa.table('process_model_version', sa.column('model_key', sa.String), sa.column('visibility', sa.String))
    op.execute(version.update().where(version.c.model_key.in_(CONFIDENTIAL)).values(visibility='participants'))
    op.create_table('summary_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('papsy_id', sa.Integer(), nullable=False),
    sa.Column('confidant_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', UTCDateTime(), nullable=False),
    sa.Column('shared_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['summary_id'], ['escalation_summary.id'], name=op.f('fk_summary_share_summary_id_escalation_summary'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['papsy_id'], ['user_account.id'], name=op.f('fk_summary_share_papsy_id_user_account')),
    sa.ForeignKeyConstraint(['confidant_id'], ['user_account.id'], name=op.f('fk_summary_share_confidant_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_share')),
    sa.UniqueConstraint('summary_id', 'papsy_id', name=op.f('uq_summary_share_summary_id'))
    )
    op.create_index('ix_summary_share_pending', 'summary_share', ['confidant_id', 'shared_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_summary_share_pending', table_name='summary_share')
    op.drop_table('summary_share')
    with op.batch_alter_table('process_model_version', schema=None) as batch_op:
        batch_op.drop_column('visibility')
