"""Uploaded files name the task they were uploaded for, so a submission carries only its own files.

Revision ID: e1f8a0000006
Revises: e1f8a0000005
Create Date: 2026-12-05 13:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e1f8a0000006'
down_revision = 'e1f8a0000005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stored_file_task_id'), ['task_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_stored_file_task_id_task'), 'task', ['task_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_stored_file_task_id_task'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stored_file_task_id'))
        batch_op.drop_column('task_id')
