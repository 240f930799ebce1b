"""The instance list at 100,000 instances: indexes matching its order (newest first) and filters (entity, status,
model version), the participation test (who started an instance, who has or had a task in it) and, on PostgreSQL,
a trigram index for the search in the subject (ILIKE '%text%'; elsewhere a plain index, for the same schema).

Revision ID: e1f8a0000009
Revises: e1f8a0000007
"""
import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "e1f8a0000009"
down_revision = "e1f8a0000007"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
INSTANCE_INDEXES = {
    "ix_process_instance_started": ["started_at", "id"],
    "ix_process_instance_entity_started": ["entity_id", "started_at", "id"],
    "ix_process_instance_status_started": ["status", "started_at", "id"],
    "ix_process_instance_version_started": ["model_version_id", "started_at", "id"],
    "ix_process_instance_started_by_id": ["started_by_id"],
}
TASK_INDEXES = {"ix_task_assignee_id": ["assignee_id"], "ix_task_completed_by_id": ["completed_by_id"]}
SUBJECT_INDEX = "ix_process_instance_subject_search"


def upgrade() -> None:
    for name, columns in INSTANCE_INDEXES.items():
        op.create_index(name, "process_instance", columns)
    for name, columns in TASK_INDEXES.items():
        op.create_index(name, "task", columns)
    if op.get_bind().dialect.name == "postgresql" and _trigrams_available():
        op.create_index(SUBJECT_INDEX, "process_instance", ["subject"], postgresql_using="gin",
                        postgresql_ops={"subject": "gin_trgm_ops"})
    else:
        op.create_index(SUBJECT_INDEX, "process_instance", ["subject"])


def _trigrams_available() -> bool:
    """pg_trgm ships with PostgreSQL and may be created by a database's owner; without it search scans the table."""
    connection = op.get_bind()
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:
        log.warning("pg_trgm could not be created: the search in the instance list's subjects scans the table")
        return False
    return True


def downgrade() -> None:
    op.drop_index(SUBJECT_INDEX, table_name="process_instance")
    for name in TASK_INDEXES:
        op.drop_index(name, table_name="task")
    for name in INSTANCE_INDEXES:
        op.drop_index(name, table_name="process_instance")
