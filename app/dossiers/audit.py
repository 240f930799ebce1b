"""The append-only audit log of confidential reads and writes, chained by SHA-256.

Each entry's hash covers its fields and the previous entry's hash; ``prev_hash`` is unique, so the chain
cannot fork even when two requests append at once (on PostgreSQL they take turns on an advisory lock; on
SQLite writers are serialised). Changing, deleting or inserting an entry breaks every later link.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.clock import now
from app.models.dossiers import AuditEntry

GENESIS = "0" * 64
_LOCK_KEY = 0x7665727472  # "vertr": the audit chain's advisory lock on PostgreSQL


class Action:
    REGISTER = "register"
    READ = "read"
    UPDATE = "update"
    ADD_NOTE = "add_note"
    SEARCH = "search"
    WRITE_SUMMARY = "write_summary"
    READ_SUMMARY = "read_summary"
    SHARE_SUMMARY = "share_summary"  # the confidant's key wrapped the summary for a PAPSY who took the case up
    RECOVER = "recover"


def record(session: Session, actor_id: int | None, dossier_id: int | None, action: str) -> AuditEntry:
    """Append an entry, in the caller's transaction: no audit entry, no access."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    previous = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    entry = AuditEntry(at=now(), actor_id=actor_id, dossier_id=dossier_id, action=action, prev_hash=previous)
    entry.hash = _digest(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verdict:
    entries: int
    first_broken_id: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def verify(session: Session, batch: int = 5000) -> Verdict:
    """Walk the chain from the start; the first entry whose link or hash does not hold, and why."""
    expected_prev, count, after_id = GENESIS, 0, 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > after_id)
                               .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            return Verdict(count, None, None)
        for entry in rows:
            if entry.prev_hash != expected_prev:
                return Verdict(count, entry.id, "de vorige schakel ontbreekt of werd gewijzigd")
            if entry.hash != _digest(entry):
                return Verdict(count, entry.id, "deze schakel werd gewijzigd")
            expected_prev, count, after_id = entry.hash, count + 1, entry.id
        session.expunge_all()


def _digest(entry: AuditEntry) -> str:
    fields = [entry.prev_hash, entry.at.isoformat(timespec="microseconds"), str(entry.actor_id or ""),
              str(entry.dossier_id or ""), entry.action]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
