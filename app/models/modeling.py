"""What an admin works on in the modeler: drafts (app/modeling/drafts.py) and bulk migrations of instances from one
version of a process to another (app/modeling/migrations.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.db import Base, UTCDateTime


class MigrationRun(Base):
    """An admin's request to move the instances of one version to another (or to see what would change)."""

    __tablename__ = "migration_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    model_key: Mapped[str] = mapped_column(ForeignKey("process_model.key"))
    from_version: Mapped[int]
    to_version: Mapped[int]
    dry_run: Mapped[bool]
    total: Mapped[int]  # the instances it found to move when it was asked
    # The instance list's filters that chose the instances (entity, status, started between...); None: all of them
    filters: Mapped[dict | None] = mapped_column(JSON)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MigrationResult(Base):
    """What became of one instance in a run: moved, possible (a dry run), refused (with why) or failed. One per
    instance and run: a run that a killed worker left halfway continues with the others."""

    __tablename__ = "migration_result"
    __table_args__ = (UniqueConstraint("run_id", "instance_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("migration_run.id", ondelete="CASCADE"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ModelDraft(Base):
    """One admin's unfinished change to a process model (or a new model): what the modeler and the form editor
    save. Users never see a draft; deploying it makes a version (app/modeling/versions.py)."""

    __tablename__ = "model_draft"
    __table_args__ = (UniqueConstraint("user_id", "model_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # Not a foreign key: a draft may be a model that does not exist yet.
    model_key: Mapped[str] = mapped_column(String(100))
    base_version: Mapped[int | None]  # the version it started from: a newer deploy by someone else is shown
    files: Mapped[dict] = mapped_column(JSON)  # file name -> XML (BPMN and DMN)
    forms: Mapped[dict] = mapped_column(JSON)  # form name -> {"schema": ..., "ui": ...}
    scenarios: Mapped[dict] = mapped_column(JSON)  # scenario name -> scenario
    note: Mapped[str | None] = mapped_column(Text)  # the comment the admin is writing for the deploy
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
