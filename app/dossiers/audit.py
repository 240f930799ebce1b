"""The append-only audit log of confidential reads and writes, chained by HMAC-SHA256 under AUDIT_KEY.

Each entry's hash is a MAC of its fields and the previous entry's hash, keyed with a key derived from the
configuration (never stored in the database): whoever rewrites an entry in a copy of the database cannot
recompute the chain. Deleting the last entries leaves a shorter chain that holds, so an anchor (the head and
the count, kept outside the database) taken earlier shows the loss. ``prev_hash`` is unique, so the chain
cannot fork even when two requests append at once (on PostgreSQL they take turns on an advisory lock; on
SQLite writers are serialised). Entries written before the key existed are plain SHA-256 ("sha256");
`vertrouwd init` re-keys such a chain once, after checking its plain links.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, has_app_context
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.clock import now
from app.models.dossiers import AuditEntry

GENESIS = "0" * 64
KEYED, LEGACY = "hmac-sha256", "sha256"
_LOCK_KEY = 0x7665727472  # "vertr": the audit chain's advisory lock on PostgreSQL
_HKDF_INFO = b"vertrouwd audit chain v1"


class Action:
    REGISTER = "register"
    READ = "read"
    UPDATE = "update"
    ADD_NOTE = "add_note"
    SEARCH = "search"
    WRITE_SUMMARY = "write_summary"
    READ_SUMMARY = "read_summary"
    SHARE_SUMMARY = "share_summary"  # the confidant's key wrapped the summary for a PAPSY who took the case up
    RECORD_CONSULTATION = "record_consultation"
    READ_CONSULTATION = "read_consultation"
    RECOVER = "recover"
    # The life of the network (app/lifecycle, app/retention): re-keying with the requester's consent, the keys a
    # former confidant loses, and the shredding of a closed dossier after its retention period.
    HANDOVER = "handover"  # the keeper's key wrapped the dossier for the next keeper (R19)
    SHARE_STAND_IN = "share_stand_in"  # ... for a stand-in during an inactivity period (R14)
    END_STAND_IN = "end_stand_in"  # the stand-in's wrap was deleted at the period's end
    DROP_KEYS = "drop_keys"  # a former confidant's wraps were deleted on the role's effective date
    LEGAL_HOLD = "legal_hold"
    LIFT_LEGAL_HOLD = "lift_legal_hold"
    SHRED = "shred"  # ciphertexts and every key wrap deleted (M27)
    REKEY = "rekey"  # the legacy chain was re-keyed (once, by `vertrouwd init`)
    # An admin's hand on a process instance (app/engine/lifecycle.py), followed by the instance's id.
    SUSPEND_INSTANCE = "suspend_instance"
    RESUME_INSTANCE = "resume_instance"
    TERMINATE_INSTANCE = "terminate_instance"
    MIGRATE_INSTANCE = "migrate_instance"
    # A third-party fact's description (R20), followed by the fact's id.
    WRITE_THIRD_PARTY_FACT = "write_third_party_fact"
    READ_THIRD_PARTY_FACT = "read_third_party_fact"
    # The yearly sharing of repeated incidents (R8, app/incidents), followed by the sharing's id.
    WRITE_INCIDENT_ACCOUNT = "write_incident_account"
    READ_INCIDENT_ACCOUNT = "read_incident_account"
    # The annual evaluation (R18), followed by the conversation's or the evaluation's id.
    WRITE_CONVERSATION_NOTES = "write_conversation_notes"
    READ_CONVERSATION_NOTES = "read_conversation_notes"
    REGENERATE_EVALUATION = "regenerate_evaluation"


class ChainError(Exception):
    """The chain cannot be re-keyed as it is (its plain links do not hold, or keyed entries exist already)."""


_process_key: str | None = None


def configure(audit_key: str) -> None:
    """The key for this process's appends outside an app context (create_app and the worker call this)."""
    global _process_key
    _process_key = audit_key


def record(session: Session, actor_id: int | None, dossier_id: int | None, action: str,
           audit_key: str | None = None) -> AuditEntry:
    """Append an entry, in the caller's transaction: no audit entry, no access."""
    return record_many(session, actor_id, [dossier_id], action, audit_key)[0]


def record_many(session: Session, actor_id: int | None, dossier_ids: list[int | None], action: str,
                audit_key: str | None = None) -> list[AuditEntry]:
    """An entry per dossier, appended in the caller's transaction as one run of the chain: one lock and one read of
    the head for the run (a batch job's, such as the daily shredding), the same chain as ``record`` one by one."""
    mac_key = _mac_key(_configured(audit_key))
    _lock(session)
    previous = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS
    entries = []
    for dossier_id in dossier_ids:
        entry = AuditEntry(at=now(), actor_id=actor_id, dossier_id=dossier_id, action=action, prev_hash=previous,
                           scheme=KEYED)
        entry.hash = previous = _digest(entry, mac_key)
        entries.append(entry)
    session.add_all(entries)
    session.flush()
    return entries


@dataclass(frozen=True)
class Anchor:
    """The chain's head at a moment: how many entries, the last one's id and hash. Kept outside the database."""

    count: int
    entry_id: int | None
    head: str
    at: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> Anchor:
        """Parse an anchor file; ValueError names what is wrong."""
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise ValueError("not an anchor: expected a JSON object with count, entry_id and head")
        count, entry_id, head = data.get("count"), data.get("entry_id"), data.get("head")
        if type(count) is not int or count < 0:
            raise ValueError("not an anchor: 'count' must be a whole number >= 0")
        if not isinstance(head, str) or not re.fullmatch(r"[0-9a-f]{64}", head):
            raise ValueError("not an anchor: 'head' must be 64 hexadecimal characters")
        if count == 0 and (entry_id is not None or head != GENESIS):
            raise ValueError("not an anchor: an empty log has entry_id null and the genesis head")
        if count > 0 and (type(entry_id) is not int or entry_id < 1):
            raise ValueError("not an anchor: 'entry_id' must be the id of the last entry")
        return cls(count=count, entry_id=entry_id, head=head, at=str(data.get("at", "")))


@dataclass(frozen=True)
class Verdict:
    entries: int
    first_broken_id: int | None
    reason: str | None
    head: str = GENESIS
    head_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.reason is None

    def anchor(self) -> Anchor:
        """The anchor of the chain as this walk found it (only for an intact chain)."""
        return Anchor(count=self.entries, entry_id=self.head_id, head=self.head, at=now().isoformat())


def verify(session: Session, audit_key: str | None = None, anchor: Anchor | None = None,
           batch: int = 5000) -> Verdict:
    """Walk the chain from the start: the first entry whose link or MAC does not hold, or what the anchor misses."""
    mac_key = _mac_key(_configured(audit_key))

    def keyed_link(entry: AuditEntry) -> str | None:
        if entry.scheme != KEYED:
            return "niet gesleuteld: een oude SHA-256-schakel (`vertrouwd init` zet een oude keten eenmaal om)"
        if not hmac.compare_digest(entry.hash, _digest(entry, mac_key)):
            return "deze schakel werd gewijzigd (of AUDIT_KEY is niet de sleutel waarmee ze geschreven werd)"
        return None
    return _walk(session, keyed_link, anchor, batch)


def rekey_legacy(session: Session, audit_key: str, batch: int = 5000) -> int:
    """Re-chain a plain SHA-256 log with the key, once, after checking its plain links; how many entries."""
    _lock(session)
    legacy = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.scheme == LEGACY))
    if not legacy:
        return 0
    if session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.scheme != LEGACY)):
        raise ChainError("old SHA-256 entries among keyed ones: not re-keyed (`vertrouwd audit verify` names them)")
    plain = _walk(session, lambda entry: None if entry.hash == _plain_digest(entry) else "gewijzigd", None, batch)
    if not plain.intact:
        raise ChainError(f"the old SHA-256 chain is broken at entry {plain.first_broken_id}: not re-keyed, "
                         "so that the evidence stays as it is")
    mac_key, previous = _mac_key(audit_key), GENESIS
    for entry in _in_order(session, batch):
        entry.prev_hash, entry.scheme = previous, KEYED
        entry.hash = previous = _digest(entry, mac_key)
    session.flush()
    record(session, None, None, Action.REKEY, audit_key)
    return legacy


def _walk(session: Session, bad_link: Callable[[AuditEntry], str | None], anchor: Anchor | None,
          batch: int) -> Verdict:
    expected_prev, count, head_id = GENESIS, 0, None
    for entry in _in_order(session, batch):
        reason = ("de vorige schakel ontbreekt of werd gewijzigd" if entry.prev_hash != expected_prev
                  else bad_link(entry))
        if reason is None and anchor is not None and count + 1 == anchor.count:
            reason = _differs_from_anchor(entry, anchor)
        if reason is not None:
            return Verdict(count, entry.id, reason, expected_prev, head_id)
        expected_prev, count, head_id = entry.hash, count + 1, entry.id
    if anchor is not None and count < anchor.count:
        return Verdict(count, None, f"het anker ({anchor.at or 'zonder tijdstip'}) telt {anchor.count} schakels tot "
                                    f"schakel {anchor.entry_id}, de keten nog {count}: de laatste schakels werden "
                                    "verwijderd", expected_prev, head_id)
    return Verdict(count, None, None, expected_prev, head_id)


def _differs_from_anchor(entry: AuditEntry, anchor: Anchor) -> str | None:
    if entry.id != anchor.entry_id:
        return (f"het anker verwacht op positie {anchor.count} schakel {anchor.entry_id}, de keten heeft er "
                f"schakel {entry.id}: schakels werden verwijderd of ingevoegd")
    if entry.hash != anchor.head:
        return "deze schakel verschilt van het anker: de keten werd tot hier herschreven"
    return None


def _in_order(session: Session, batch: int) -> Iterator[AuditEntry]:
    """Every entry by id, a batch at a time (a batch's changes are flushed before it leaves the session)."""
    after_id = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.id > after_id)
                               .order_by(AuditEntry.id).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after_id = rows[-1].id
        session.flush()
        session.expunge_all()


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _configured(audit_key: str | None) -> str:
    """The caller's key, else the app's, else the process's (a worker, a service called outside a request)."""
    if audit_key:
        return audit_key
    if has_app_context():
        return current_app.extensions["vertrouwd_settings"].audit_key
    if _process_key is None:
        raise RuntimeError("the audit log needs AUDIT_KEY: create the app, call audit.configure or pass the key")
    return _process_key


@lru_cache(maxsize=8)
def _mac_key(audit_key: str) -> bytes:
    # HKDF binds the MAC key to this one use: an operator who sets the same secret for several settings
    # (SECRET_KEY, TOTP_KEY, AUDIT_KEY) still gets an audit key that nothing else uses.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(audit_key.encode())


def _fields(entry: AuditEntry) -> bytes:
    return "\x1f".join([entry.prev_hash, entry.at.isoformat(timespec="microseconds"), str(entry.actor_id or ""),
                        str(entry.dossier_id or ""), entry.action]).encode()


def _digest(entry: AuditEntry, mac_key: bytes) -> str:
    return hmac.new(mac_key, _fields(entry), hashlib.sha256).hexdigest()


def _plain_digest(entry: AuditEntry) -> str:
    """The hash of the chains written before the key (until migration e1f8a0000005)."""
    return hashlib.sha256(_fields(entry)).hexdigest()
