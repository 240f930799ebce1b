"""The inbox search at 100,000 instances: the instance's subject copied onto its tasks, so that the search reads the
task table alone, and an index of the READY tasks' subjects and step names for it (on PostgreSQL a trigram index for
ILIKE '%text%'; elsewhere a plain index, for the same schema).

Revision ID: e1f8a000000e
Revises: e1f8a000000c
"""
import logging

from alembic import op
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

revision = "e1f8a000000e"
down_revision = "e1f8a000000c"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
SEARCH_INDEX = "ix_task_search"
READY = sa.text("state = 'ready'")


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=200), nullable=True))
    op.execute("UPDATE task SET subject = (SELECT process_instance.subject FROM process_instance "
               "WHERE process_instance.id = task.instance_id) "
               "WHERE task.instance_id IN (SELECT id FROM process_instance WHERE subject IS NOT NULL)")
    if op.get_bind().dialect.name == "postgresql" and _trigrams_available():
        op.create_index(SEARCH_INDEX, "task", ["subject", "title"], postgresql_using="gin",
                        postgresql_ops={"subject": "gin_trgm_ops", "title": "gin_trgm_ops"}, postgresql_where=READY)
    else:
        op.create_index(SEARCH_INDEX, "task", ["subject", "title"], sqlite_where=READY, postgresql_where=READY)


def _trigrams_available() -> bool:
    """pg_trgm ships with PostgreSQL and may be created by a database's owner (as in e1f8a0000009)."""
    connection = op.get_bind()
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError:
        log.warning("pg_trgm could not be created: the inbox search reads every task in the user's scope")
        return False
    return True


def downgrade() -> None:
    op.drop_index(SEARCH_INDEX, table_name="task")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("subject")
