"""The inbox at 100,000 instances reads a user's scope as its parts (policy.task_scope_parts) from indexes that
start with them: the READY tasks open to their whole lane get an index of their own, and the search index starts
with the lane and the entity (on PostgreSQL a GIN index with btree_gin, so that a search in one's own entities
reads only their matches, not those of every entity; elsewhere a plain index, for the same schema).

Revision ID: e1f8a000000f
Revises: e1f8a000000e
"""
import logging

from alembic import op
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

revision = "e1f8a000000f"
down_revision = "e1f8a000000e"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
OPEN_READY = sa.text("state = 'ready' AND open_to_lane_at IS NOT NULL")
READY = sa.text("state = 'ready'")
SEARCH_INDEX = "ix_task_search"
TRIGRAMS = {"subject": "gin_trgm_ops", "title": "gin_trgm_ops"}


def upgrade() -> None:
    op.create_index("ix_task_open_to_lane", "task",
                    ["lane", "open_to_lane_at", "entity_id", "assignee_id", "due_at", "model_version_id", "created_at",
                     "id"], postgresql_where=OPEN_READY, sqlite_where=OPEN_READY)
    op.drop_index(SEARCH_INDEX, table_name="task")
    columns = ["lane", "entity_id", "subject", "title"]
    if op.get_bind().dialect.name == "postgresql" and _extensions_available("pg_trgm", "btree_gin"):
        op.create_index(SEARCH_INDEX, "task", columns, postgresql_using="gin", postgresql_ops=TRIGRAMS,
                        postgresql_where=READY)
    else:
        op.create_index(SEARCH_INDEX, "task", columns, sqlite_where=READY, postgresql_where=READY)


def _extensions_available(*names: str) -> bool:
    """Both ship with PostgreSQL and may be created by a database's owner (as in e1f8a0000009)."""
    connection = op.get_bind()
    try:
        with connection.begin_nested():
            for name in names:
                connection.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {name}")
    except DBAPIError:
        log.warning("pg_trgm or btree_gin could not be created: the inbox search reads every task in the user's scope")
        return False
    return True


def downgrade() -> None:
    op.drop_index(SEARCH_INDEX, table_name="task")
    if op.get_bind().dialect.name == "postgresql" and _extensions_available("pg_trgm"):
        op.create_index(SEARCH_INDEX, "task", ["subject", "title"], postgresql_using="gin", postgresql_ops=TRIGRAMS,
                        postgresql_where=READY)
    else:
        op.create_index(SEARCH_INDEX, "task", ["subject", "title"], sqlite_where=READY, postgresql_where=READY)
    op.drop_index("ix_task_open_to_lane", table_name="task")
