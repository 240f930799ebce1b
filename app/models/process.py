"""Process models and their versions, running instances, the human-task projection, timers, history."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.db import Base, UTCDateTime
from app.models.people import Entity, User


class InstanceStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    INCIDENT = "incident"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"  # by an admin: its tasks cannot be completed, its timers are held until resumed


class TaskState(enum.StrEnum):
    """A projected human task: READY to act on, then COMPLETED by someone or CANCELLED by the flow."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TimerState(enum.StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"
    FAILED = "failed"
    HELD = "held"  # its instance is suspended: pending again, and fired when overdue, once it is resumed


class Visibility(enum.StrEnum):
    """Who sees a process's instances: the usual roles of its entity, or only those who take part (confidential)."""

    ENTITY = "entity"
    PARTICIPANTS = "participants"


class ProcessModel(Base):
    """A process the platform runs (its BPMN process id is the key)."""

    __tablename__ = "process_model"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_model_version.id", use_alter=True, name="fk_process_model_current_version")
    )

    current_version: Mapped[ProcessModelVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ProcessModelVersion(Base):
    """One deployed version: its sources, forms and the serialized spec stored once."""

    __tablename__ = "process_model_version"
    __table_args__ = (UniqueConstraint("model_key", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    model_key: Mapped[str] = mapped_column(ForeignKey("process_model.key"))
    version: Mapped[int] = mapped_column(Integer)
    # The large columns load only when used: running an instance needs the cached spec, not the sources.
    bpmn_files: Mapped[dict] = mapped_column(JSON, deferred=True)  # file name -> XML (BPMN and DMN)
    forms: Mapped[dict] = mapped_column(JSON, deferred=True)  # form name -> {"schema": ..., "ui": ...}
    # locale -> Dutch text -> translation, of this version's own texts (app/model_texts); None: Dutch only
    translations: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    # scenario name -> scenario (app/modeling/scenarios.py): the model's own tests, run before it is deployed
    scenarios: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    checksum: Mapped[str] = mapped_column(String(64))
    start_task: Mapped[str] = mapped_column(String(100))
    start_roles: Mapped[list] = mapped_column(JSON)
    # Declared in the BPMN (the process's ``visibility`` property), read when the version is deployed.
    visibility: Mapped[Visibility] = mapped_column(String(20), default=Visibility.ENTITY,
                                                   server_default=Visibility.ENTITY.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    comment: Mapped[str | None] = mapped_column(String(500))  # why it was deployed, as the admin said it

    model: Mapped[ProcessModel] = relationship(foreign_keys=[model_key])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def confidential(self) -> bool:
        return self.visibility == Visibility.PARTICIPANTS


class ProcessInstance(Base):
    """A running (or finished) process, pinned to a model version; ``lock_version`` guards every save."""

    __tablename__ = "process_instance"
    # The instance list: newest first, by entity, status or model version; participation; search in the subject
    # (a trigram index on PostgreSQL, migration e1f8a0000009). Its pages (the subject searched too) and its counts per
    # status of an entity scope read the first two alone (PostgreSQL: the columns tested are included).
    __table_args__ = (
        Index("ix_process_instance_started", "started_at", "id",
              postgresql_include=["entity_id", "model_version_id", "status", "subject"]),
        Index("ix_process_instance_entity_started", "entity_id", "started_at", "id",
              postgresql_include=["model_version_id", "status"]),
        Index("ix_process_instance_status_started", "status", "started_at", "id"),
        # The instances of confidential versions in a PAPSY's entities, counted apart from the tally (InstanceTally).
        Index("ix_process_instance_entity_version", "entity_id", "model_version_id",
              postgresql_include=["status", "id"]),
        Index("ix_process_instance_version_started", "model_version_id", "started_at", "id"),
        Index("ix_process_instance_started_by_id", "started_by_id", "id"),
        Index("ix_process_instance_subject_search", "subject", postgresql_using="gin",
              postgresql_ops={"subject": "gin_trgm_ops"}),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("process_model_version.id"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    status: Mapped[InstanceStatus] = mapped_column(String(20), default=InstanceStatus.RUNNING)
    subject: Mapped[str | None] = mapped_column(String(200))
    state_json: Mapped[str] = mapped_column(Text, deferred=True)  # lists and inboxes never need it
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    incident: Mapped[str | None] = mapped_column(Text)

    model_version: Mapped[ProcessModelVersion] = relationship(lazy="joined")
    entity: Mapped[Entity] = relationship()
    started_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class InstanceTally(Base):
    """How many instances an entity has of a model version in a status, kept by database triggers on process_instance
    (migration e1f8a0000011), whichever code changes an instance: the instance list counts an entity's thousands of
    ordinary instances here instead of reading them."""

    __tablename__ = "instance_tally"
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), primary_key=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("process_model_version.id", ondelete="CASCADE"),
                                                  primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class Task(Base):
    """A human task projected from the workflow, so that inboxes are plain SQL."""

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id"),
        # The inbox finds a user's tasks by state, lane and entity, counts them per process, due state and holder,
        # and sorts a page's ids from this index alone (index-only scans: no table rows read).
        Index("ix_task_inbox", "state", "lane", "entity_id", "assignee_id", "due_at", "model_version_id",
              "open_to_lane_at", "created_at", "id"),
        # The inbox's second part of a scope (policy.task_scope_parts): the few tasks of other entities open to the
        # whole lane, whoever has them, read apart from the lane's thousands.
        Index("ix_task_open_to_lane", "lane", "open_to_lane_at", "entity_id", "assignee_id", "due_at",
              "model_version_id", "created_at", "id",
              postgresql_where=text("state = 'ready' AND open_to_lane_at IS NOT NULL"),
              sqlite_where=text("state = 'ready' AND open_to_lane_at IS NOT NULL")),
        # A page of the inbox in deadline order: each part of a scope walks its lane's READY tasks in that order and
        # stops at the page's end, instead of sorting its thousands (app/workflow/inbox.py _page_union).
        Index("ix_task_inbox_due", "lane", "due_at", "id",
              postgresql_include=["entity_id", "assignee_id", "model_version_id", "open_to_lane_at", "created_at"],
              postgresql_where=text("state = 'ready'"), sqlite_where=text("state = 'ready'")),
        # Who takes part in an instance (policy.participates_in), per person and entity or model version: a PAPSY's
        # participation beyond their entities skips their thousands of tasks within them.
        Index("ix_task_assignee_entity", "assignee_id", "entity_id", "instance_id"),
        Index("ix_task_assignee_version", "assignee_id", "model_version_id", "instance_id"),
        Index("ix_task_completed_by_entity", "completed_by_id", "entity_id", "instance_id"),
        Index("ix_task_completed_by_version", "completed_by_id", "model_version_id", "instance_id"),
        # The open tasks nobody has, which their lane's members take part in: by model version (a confidential one)
        # and entity, and those offered to the whole lane after a while (a delicate case's, R9) apart.
        Index("ix_task_offered", "lane", "model_version_id", "entity_id", "instance_id",
              postgresql_where=text("state = 'ready' AND assignee_id IS NULL")),
        Index("ix_task_offered_to_lane", "lane", "open_to_lane_at", "entity_id", "model_version_id", "instance_id",
              postgresql_where=text("state = 'ready' AND assignee_id IS NULL AND open_to_lane_at IS NOT NULL")),
        # The inbox search (ILIKE '%text%' in the subject or the step name) finds its few READY tasks here rather
        # than reading every task in the user's scope, per lane and entity: a trigram index with btree_gin on
        # PostgreSQL (migration e1f8a000000f), elsewhere a plain one, for the same schema.
        Index("ix_task_search", "lane", "entity_id", "subject", "title", postgresql_using="gin",
              postgresql_ops={"subject": "gin_trgm_ops", "title": "gin_trgm_ops"},
              postgresql_where=text("state = 'ready'"), sqlite_where=text("state = 'ready'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    # The instance's model version, copied here so that the inbox filters and counts on this table alone (the
    # process, and whether it is confidential). An instance keeps its version; one that moved would move its tasks.
    model_version_id: Mapped[int] = mapped_column(ForeignKey("process_model_version.id"))
    # The instance's subject, copied for the inbox search: the condition then runs on the task rows the user's
    # scope visits anyway, not on a lookup of each one's instance. Whatever changes the subject changes this too
    # (app/engine/runner.py: rename).
    subject: Mapped[str | None] = mapped_column(String(200))
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    spec_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entity.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # When a person took the task from its lane or was handed it; None while it is offered to the lane, and when
    # the process itself named the assignee (such a task stays with that person: no release, no hand-over).
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_name: Mapped[str | None] = mapped_column(String(100))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[TaskState] = mapped_column(String(20), default=TaskState.READY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "a new task waits for you" sent
    # From this moment everyone holding the lane's role may take the task, not only those of its entity
    # (a delicate case the entity's PAPSY did not take up in time goes to the other PAPSY, R9).
    open_to_lane_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    instance: Mapped[ProcessInstance] = relationship(lazy="joined")
    entity: Mapped[Entity] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])

    @property
    def confidential(self) -> bool:
        """Its process shows it only to those who take part (app/auth/policy.py)."""
        return self.instance.model_version.confidential


class Timer(Base):
    """A waiting BPMN timer; the database is its truth, RQ only carries the job that fires it."""

    __tablename__ = "timer"
    __table_args__ = (
        UniqueConstraint("instance_id", "spiff_task_id", "due_at"),
        Index("ix_timer_due", "state", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    spec_name: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[TimerState] = mapped_column(String(20), default=TimerState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    instance: Mapped[ProcessInstance] = relationship()


class HistoryEvent(Base):
    """What happened to an instance: which step, who, when. Never confidential text."""

    __tablename__ = "history_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(30))
    step: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(String(500))

    actor: Mapped[User | None] = relationship(lazy="joined")


class StoredFile(Base):
    """An uploaded file (certificates), with its checksum; task data holds only its reference."""

    __tablename__ = "stored_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The task whose form it was uploaded with (None while a start form's files wait for their instance):
    # a submission may carry only its own uploads, or those kept from an earlier pass of the same task.
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
