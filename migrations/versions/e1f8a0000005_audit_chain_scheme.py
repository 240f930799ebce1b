"""The audit chain's scheme per entry: entries written so far are plain SHA-256; this upgrade re-keys them once
with AUDIT_KEY (HMAC-SHA256), which every new entry uses. Only here: a chain rewritten as plain SHA-256 later (by
someone with the database but not the key) is never re-keyed, and `vertrouwd audit verify` keeps reporting it.

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
    _rekey_existing_chain()


def _rekey_existing_chain() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM audit_entry LIMIT 1")).first() is None:
        return
    from sqlalchemy.orm import Session

    from app.config import Settings
    from app.dossiers import audit

    session = Session(bind=bind)  # joins the upgrade's transaction: committed with it
    try:
        count = audit.rekey_legacy(session, Settings().audit_key)
        session.flush()
        print(f"audit log: {count} entries re-keyed with AUDIT_KEY; take an anchor now "
              "(`vertrouwd audit anchor --output FILE`)")
    except audit.ChainError as exc:  # the evidence stays as it is; `vertrouwd audit verify` reports it
        print(f"WARNING audit log: {exc}")
    finally:
        session.close()


def downgrade() -> None:
    # A keyed chain does not verify as plain SHA-256 after this: downgrading loses the audit log's integrity.
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('scheme')
