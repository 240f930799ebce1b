"""Delicate-case escalation (R9): the summary for the PAPSY and its keys, the dossier's escalation state, a task open to its whole lane.

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-11-28 07:57:10.387963
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = 'd5e6f7a8b9c0'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('escalation_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('written_at', UTCDateTime(), nullable=False),
    sa.Column('body_sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_escalation_summary_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_summary')),
    sa.UniqueConstraint('dossier_id', name=op.f('uq_escalation_summary_dossier_id'))
    )
    op.create_table('summary_key',
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('reader', sa.String(length=10), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(length=128), nullable=False),
    sa.ForeignKeyConstraint(['summary_id'], ['escalation_summary.id'], name=op.f('fk_summary_key_summary_id_escalation_summary'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('summary_id', 'reader', 'reader_id', name=op.f('pk_summary_key'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalation_state', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('escalation_instance_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_dossier_escalation_instance_id_process_instance'), 'process_instance', ['escalation_instance_id'], ['id'])

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_to_lane_at', UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('open_to_lane_at')

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_escalation_instance_id_process_instance'), type_='foreignkey')
        batch_op.drop_column('escalation_instance_id')
        batch_op.drop_column('escalation_state')

    op.drop_table('summary_key')
    op.drop_table('escalation_summary')
