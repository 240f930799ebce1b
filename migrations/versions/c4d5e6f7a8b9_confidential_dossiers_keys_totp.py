"""Confidential dossiers, key pairs, held session keys, the recovery key, TOTP.

Revision ID: c4d5e6f7a8b9
Revises: b7c1d2e3f4a5
Create Date: 2026-11-28 07:38:31.487078
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


revision = 'c4d5e6f7a8b9'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recovery_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('retired_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_key'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_entry_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_entry_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_entry_prev_hash'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('confidant_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=True),
    sa.Column('referred_formal', sa.Boolean(), nullable=False),
    sa.Column('repeated_incident', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('delicate', sa.Boolean(), nullable=False),
    sa.Column('requester_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confidant_id'], ['user_account.id'], name=op.f('fk_dossier_confidant_id_user_account')),
    sa.ForeignKeyConstraint(['entity_id'], ['entity.id'], name=op.f('fk_dossier_entity_id_entity')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_confidant_opened', ['confidant_id', 'opened_on', 'id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('unlocked_key',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sealed_private', sa.LargeBinary(length=128), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_unlocked_key_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unlocked_key'))
    )
    with op.batch_alter_table('unlocked_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unlocked_key_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_unlocked_key_user_id'), ['user_id'], unique=False)

    op.create_table('user_key',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('sealed_private', sa.LargeBinary(length=128), nullable=False),
    sa.Column('kdf_params', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_key_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_key'))
    )
    op.create_table('dossier_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_fact_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_fact'))
    )
    with op.batch_alter_table('dossier_fact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_fact_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index('ix_dossier_fact_lookup', ['kind', 'value', 'dossier_id'], unique=False)

    op.create_table('dossier_key',
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('reader', sa.String(length=10), nullable=False),
    sa.Column('reader_id', sa.Integer(), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(length=128), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_key_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('dossier_id', 'reader', 'reader_id', name=op.f('pk_dossier_key'))
    )
    op.create_table('dossier_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('written_at', UTCDateTime(), nullable=False),
    sa.Column('body_sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_dossier_note_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_note'))
    )
    with op.batch_alter_table('dossier_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_note_dossier_id'), ['dossier_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('keys_reset_at', UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('keys_reset_at')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')

    with op.batch_alter_table('dossier_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_note_dossier_id'))

    op.drop_table('dossier_note')
    op.drop_table('dossier_key')
    with op.batch_alter_table('dossier_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_fact_lookup')
        batch_op.drop_index(batch_op.f('ix_dossier_fact_dossier_id'))

    op.drop_table('dossier_fact')
    op.drop_table('user_key')
    with op.batch_alter_table('unlocked_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unlocked_key_user_id'))
        batch_op.drop_index(batch_op.f('ix_unlocked_key_expires_at'))

    op.drop_table('unlocked_key')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_confidant_opened')

    op.drop_table('dossier')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_dossier_id'))

    op.drop_table('audit_entry')
    op.drop_table('recovery_key')
