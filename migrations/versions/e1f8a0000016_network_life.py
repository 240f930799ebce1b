"""The confidant's life in the network: role endings, inactivity periods, dossier shares (hand-over, stand-in),
legal holds and retention marks on dossiers, the runs of periodic jobs, published contact details on the roster, the document library and
the conversation room.

Revision ID: e1f8a0000016
Revises: e1f8a0000015
"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime

revision = "e1f8a0000016"
down_revision = "e1f8a0000015"
branch_labels = None
depends_on = None


def _user(column: str, nullable: bool = True, ondelete: str | None = "SET NULL") -> list:
    return [sa.Column(column, sa.Integer(), nullable=nullable),
            sa.ForeignKeyConstraint([column], ["user_account.id"], ondelete=ondelete)]


def upgrade() -> None:
    _roster_and_dossiers()
    _lifecycle()
    _library()
    _room()
    op.create_table(
        "periodic_run",
        sa.Column("job", sa.String(60), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("result", sa.Integer(), nullable=True),
    )


def _roster_and_dossiers() -> None:
    with op.batch_alter_table("confidant") as batch:
        batch.add_column(sa.Column("phone", sa.String(40), nullable=True))
        batch.add_column(sa.Column("work_location", sa.String(200), nullable=True))
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("updated_at", UTCDateTime(), nullable=False, server_default=sa.func.now()))
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("retention_notice_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("shredded_at", UTCDateTime(), nullable=True))
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("dossier.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        *_user("set_by_id"),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        *_user("lifted_by_id"),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_legal_hold_dossier", "legal_hold", ["dossier_id", "lifted_at"])


def _lifecycle() -> None:
    op.create_table(
        "role_ending",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("confidant_id", sa.Integer(), sa.ForeignKey("confidant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        *_user("started_by_id"),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("confidant_agrees", sa.Boolean(), nullable=True),
        sa.Column("representatives_agreed_on", sa.Date(), nullable=True),
        sa.Column("committee_noted_on", sa.Date(), nullable=True),
        sa.Column("committee_reference", sa.String(100), nullable=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ux_role_ending_open", "role_ending", ["confidant_id"], unique=True,
                    postgresql_where=sa.text("state = 'open'"), sqlite_where=sa.text("state = 'open'"))
    op.create_table(
        "inactivity_period",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("confidant_id", sa.Integer(), sa.ForeignKey("confidant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("stand_in_id", sa.Integer(), sa.ForeignKey("confidant.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reported_at", UTCDateTime(), nullable=False),
        *_user("acknowledged_by_id"),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instance.id", ondelete="SET NULL"),
                  nullable=True),
    )
    op.create_index("ix_inactivity_period_confidant", "inactivity_period", ["confidant_id", "starts_on"])
    op.create_table(
        "dossier_share",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dossier_id", sa.Integer(), sa.ForeignKey("dossier.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        *_user("from_user_id"),
        *_user("to_user_id", nullable=False, ondelete="CASCADE"),
        sa.Column("consent_on", sa.Date(), nullable=False),
        sa.Column("consent_way", sa.String(20), nullable=False),
        sa.Column("shared_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("role_ending_id", sa.Integer(), sa.ForeignKey("role_ending.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("inactivity_id", sa.Integer(), sa.ForeignKey("inactivity_period.id", ondelete="SET NULL"),
                  nullable=True),
    )
    op.create_index("ix_dossier_share_dossier_id", "dossier_share", ["dossier_id"])
    op.create_index("ix_dossier_share_to", "dossier_share", ["to_user_id", "ended_at"])


def _library() -> None:
    op.create_table(
        "library_folder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "library_document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("folder_id", sa.Integer(), sa.ForeignKey("library_folder.id"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("entity_id", sa.Integer(), sa.ForeignKey("entity.id"), nullable=True),
        *_user("created_by_id"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_library_document_folder", "library_document", ["folder_id", "title"])
    op.create_index("ix_library_document_published", "library_document", ["published_at"])
    op.create_table(
        "library_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("library_document.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("stored_file.id"), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        *_user("uploaded_by_id"),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("document_id", "number"),
    )
    op.create_table(
        "library_digest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("period_start", UTCDateTime(), nullable=False),
        sa.Column("period_end", UTCDateTime(), nullable=False, unique=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("mails", sa.Integer(), nullable=False),
    )


def _room() -> None:
    op.create_table(
        "room_booking",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(100), nullable=False, unique=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        *_user("requested_by_id", nullable=False, ondelete="CASCADE"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_slot", sa.Integer(), nullable=False),
        sa.Column("end_slot", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(30), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        *_user("decided_by_id"),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decline_reason", sa.String(500), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_room_booking_day", "room_booking", ["day", "status"])
    op.create_index("ix_room_booking_requested_by_id", "room_booking", ["requested_by_id"])
    op.create_table(
        "room_slot",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("slot", sa.Integer(), primary_key=True),
        sa.Column("booking_id", sa.Integer(), sa.ForeignKey("room_booking.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_room_slot_booking_id", "room_slot", ["booking_id"])


def downgrade() -> None:
    for table in ("periodic_run", "room_slot", "room_booking", "library_digest", "library_version", "library_document",
                  "library_folder", "dossier_share", "inactivity_period", "role_ending", "legal_hold"):
        op.drop_table(table)
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("shredded_at")
        batch.drop_column("retention_notice_on")
    with op.batch_alter_table("confidant") as batch:
        for column in ("updated_at", "ended_on", "work_location", "phone"):
            batch.drop_column(column)
