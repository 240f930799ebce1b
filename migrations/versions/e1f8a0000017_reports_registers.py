"""Reports, evaluation and registers: sealed texts, the yearly sharing of repeated incidents, the register of facts
by third parties and its prevention measures, the contacts with the PAPSY, the annual evaluations and the
conversations they call for.

Revision ID: e1f8a0000017
Revises: e1f8a0000016
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000017"
down_revision = "e1f8a0000016"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, ondelete: str | None, nullable: bool = True) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def _user(column: str) -> sa.Column:
    return _fk(column, "user_account.id", "SET NULL")


def upgrade() -> None:
    op.create_table(
        "sealed_text",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("purpose", sa.String(30), nullable=False),
        sa.Column("body_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "sealed_text_key",
        sa.Column("text_id", sa.Integer(), sa.ForeignKey("sealed_text.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("reader", sa.String(10), primary_key=True),
        sa.Column("reader_id", sa.Integer(), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary(128), nullable=False),
    )
    _incident_sharing()
    _register()
    op.create_table(
        "papsy_contact",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("confidant_id", "confidant.id", "CASCADE", nullable=False),
        _user("papsy_id"),
        _fk("entity_id", "entity.id", None, nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        _user("recorded_by_id"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_papsy_contact_confidant", "papsy_contact", ["confidant_id", "held_on"])
    op.create_index("ix_papsy_contact_entity", "papsy_contact", ["entity_id", "held_on"])
    _evaluation()


def _incident_sharing() -> None:
    op.create_table(
        "incident_sharing",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("confidant_id", "confidant.id", "CASCADE", nullable=False),
        _fk("entity_id", "entity.id", None, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("dossier_count", sa.Integer(), nullable=False),
        _fk("account_id", "sealed_text.id", "SET NULL"),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        _user("acknowledged_by_id"),
        _fk("instance_id", "process_instance.id", "SET NULL"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("confidant_id", "year"),
    )
    op.create_index("ix_incident_sharing_entity", "incident_sharing", ["entity_id", "year"])


def _register() -> None:
    op.create_table(
        "third_party_fact",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("confidant_id", "confidant.id", "CASCADE", nullable=False),
        _fk("entity_id", "entity.id", None, nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("context", sa.String(30), nullable=False),
        sa.Column("third_party", sa.String(30), nullable=False),
        sa.Column("victim_function", sa.String(30), nullable=True),
        _fk("description_id", "sealed_text.id", "SET NULL"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_third_party_fact_entity", "third_party_fact", ["entity_id", "occurred_on"])
    op.create_index("ix_third_party_fact_confidant", "third_party_fact", ["confidant_id", "occurred_on"])
    op.create_table(
        "prevention_measure",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("fact_id", "third_party_fact.id", "CASCADE", nullable=False),
        sa.Column("proposal", sa.String(1000), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(1000), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        _fk("instance_id", "process_instance.id", "SET NULL"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_prevention_measure_fact_id", "prevention_measure", ["fact_id"])


def _evaluation() -> None:
    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("entity_id", "entity.id", None, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("generated_at", UTCDateTime(), nullable=False),
        _user("generated_by_id"),
        sa.UniqueConstraint("entity_id", "year"),
    )
    op.create_table(
        "working_conversation",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("confidant_id", "confidant.id", "CASCADE", nullable=False),
        _fk("entity_id", "entity.id", None, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        _fk("instance_id", "process_instance.id", "SET NULL"),
        _user("papsy_id"),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(30), nullable=True),
        _fk("notes_id", "sealed_text.id", "SET NULL"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("confidant_id", "year"),
    )


def downgrade() -> None:
    for table in ("working_conversation", "evaluation", "papsy_contact", "prevention_measure", "third_party_fact",
                  "incident_sharing", "sealed_text_key", "sealed_text"):
        op.drop_table(table)
