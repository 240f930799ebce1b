"""Intervision and trainings: groups and memberships, the network's calendar with participants, prevention units,
year results, calendar feeds, and one attachment per outbox mail (the calendar invitation).

Revision ID: e1f8a0000015
Revises: e1f8a0000014
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000015"
down_revision = "e1f8a0000014"
branch_labels = None
depends_on = None


def _user(column: str, nullable: bool = True, ondelete: str | None = "SET NULL") -> list:
    return [sa.Column(column, sa.Integer(), nullable=nullable),
            sa.ForeignKeyConstraint([column], ["user_account.id"], ondelete=ondelete)]


def upgrade() -> None:
    op.create_table(
        "intervision_group",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        *_user("leader_id", nullable=False, ondelete=None),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "intervision_membership",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("intervision_group.id", ondelete="CASCADE"), nullable=False),
        sa.Column("confidant_id", sa.Integer(), sa.ForeignKey("confidant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        *_user("added_by_id"),
    )
    op.create_index("ix_intervision_membership_confidant", "intervision_membership", ["confidant_id", "left_on"])
    op.create_index("ix_intervision_membership_group", "intervision_membership", ["group_id", "left_on"])
    op.create_table(
        "network_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), sa.ForeignKey("intervision_group.id", ondelete="CASCADE"), nullable=True),
        sa.Column("title", sa.String(200), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("place", sa.String(300), nullable=True),
        sa.Column("online_url", sa.String(500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("cost_units", sa.Integer(), nullable=True),
        sa.Column("half_days", sa.Integer(), nullable=False),
        sa.Column("duration_days", sa.Numeric(4, 1), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        *_user("organiser_id", nullable=False, ondelete=None),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_network_event_year_kind", "network_event", ["year", "kind"])
    op.create_index("ix_network_event_group", "network_event", ["group_id", "starts_at"])
    op.create_table(
        "event_participant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("network_event.id", ondelete="CASCADE"), nullable=False),
        sa.Column("confidant_id", sa.Integer(), sa.ForeignKey("confidant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        *_user("decided_by_id"),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("attendance", sa.String(10), nullable=True),
        sa.Column("attendance_recorded_at", UTCDateTime(), nullable=True),
        *_user("attendance_recorded_by_id"),
        sa.Column("certificate_status", sa.String(10), nullable=True),
        sa.Column("certificate_reason", sa.String(500), nullable=True),
        sa.Column("units_debited", sa.Integer(), nullable=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id", ondelete="SET NULL"), nullable=True),
        sa.UniqueConstraint("event_id", "confidant_id"),
    )
    op.create_index("ix_event_participant_confidant", "event_participant", ["confidant_id", "status"])
    op.create_table(
        "prevention_unit_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entity.id", ondelete="CASCADE"), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("participant_id", sa.Integer(), sa.ForeignKey("event_participant.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        *_user("created_by_id"),
    )
    op.create_index("ix_prevention_unit_entry_entity", "prevention_unit_entry", ["entity_id"])
    op.create_table(
        "intervision_year_result",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("confidant_id", sa.Integer(), sa.ForeignKey("confidant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("half_days_attended", sa.Integer(), nullable=False),
        sa.Column("short", sa.Boolean(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("confidant_id", "year"),
    )
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
    )
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("attachment_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("attachment_type", sa.String(100), nullable=True))
        batch.add_column(sa.Column("attachment_body", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("attachment_body")
        batch.drop_column("attachment_type")
        batch.drop_column("attachment_name")
    for table in ("calendar_feed", "intervision_year_result", "prevention_unit_entry", "event_participant",
                  "network_event", "intervision_membership", "intervision_group"):
        op.drop_table(table)
