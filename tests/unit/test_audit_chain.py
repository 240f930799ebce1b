"""The audit chain is keyed with AUDIT_KEY and anchored outside the database: `vertrouwd audit verify` finds a
rewritten entry whose chain was recomputed without the key, and, against an anchor, a deleted tail."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, select

from app.cli import main
from app.db import db
from app.dossiers import audit
from app.models import AuditEntry

KEY = "test-audit-key"  # the app's (tests/conftest.py:make_settings)


@pytest.fixture
def run(app, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VERTROUWD_INSTANCE", str(tmp_path))
    monkeypatch.setenv("AUDIT_KEY", KEY)
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(main, list(args))
        db.session.remove()
        return result
    return invoke


@pytest.fixture
def append(app):
    def record(count: int) -> list[int]:
        """Entries as a request appends them, with the app's AUDIT_KEY."""
        with app.app_context():
            session = db.session()
            ids = [audit.record(session, None, 10 + n, "read").id for n in range(count)]
            session.commit()
        return ids
    return record


def entries() -> list[AuditEntry]:
    return db.session().scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def fields(prev: str, at: datetime, actor_id, dossier_id, action: str) -> bytes:
    """The fields each link covers, as the source code shows them to anyone who reads it."""
    return "\x1f".join([prev, at.isoformat(timespec="microseconds"), str(actor_id or ""), str(dossier_id or ""),
                        action]).encode()


def plain_sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def hmac_wrong_key(payload: bytes) -> str:
    return hmac.new(b"a-guessed-key", payload, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("forge", [plain_sha256, hmac_wrong_key])
def test_f8_rewritten_entry_with_recomputed_chain_is_detected(run, append, forge):
    ids = append(4)
    session = db.session()
    chain = entries()
    chain[1].dossier_id = 99  # hide which dossier was read
    previous = chain[0].hash
    for entry in chain[1:]:  # ...and recompute every later link, as someone with a copy of the database can
        entry.prev_hash = previous
        entry.hash = previous = forge(fields(previous, entry.at, entry.actor_id, entry.dossier_id, entry.action))
    session.commit()

    result = run("audit", "verify")
    assert result.exit_code == 1 and f"audit log broken at entry {ids[1]}:" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_f8_truncated_tail_is_detected_against_an_anchor(run, append, tmp_path):
    append(3)
    anchor_file = tmp_path / "anchor.json"
    assert run("audit", "anchor", "--output", str(anchor_file)).exit_code == 0
    anchored = json.loads(anchor_file.read_text())["entry_id"]
    later = append(2)
    held = run("audit", "verify", "--anchor", str(anchor_file))
    assert held.exit_code == 0 and "audit log intact: 5 entries" in held.output, "entries after the anchor are fine"

    db.session().execute(delete(AuditEntry).where(AuditEntry.id >= anchored))  # the anchored entry and the later
    db.session().commit()
    assert run("audit", "verify").exit_code == 0, "without the anchor a shorter chain still holds"
    truncated = run("audit", "verify", "--anchor", str(anchor_file))
    assert truncated.exit_code == 1 and f"schakel {anchored}" in truncated.output and "verwijderd" in truncated.output

    append(len(later) + 1)  # the log grows past the anchor again, without the anchored entry
    replaced = run("audit", "verify", "--anchor", str(anchor_file))
    assert replaced.exit_code == 1 and "anker" in replaced.output


def test_anchor_prints_the_head_and_count_and_writes_a_new_file_only(run, append, tmp_path):
    ids = append(2)
    printed = run("audit", "anchor")
    assert printed.exit_code == 0, printed.output
    anchor = json.loads(printed.output)
    assert (anchor["count"], anchor["entry_id"], anchor["head"]) == (2, ids[-1], entries()[-1].hash)
    assert datetime.fromisoformat(anchor["at"]).tzinfo is not None

    anchor_file = tmp_path / "anchor.json"
    written = run("audit", "anchor", "-o", str(anchor_file))
    assert written.exit_code == 0 and f"anchor written to {anchor_file}" in written.output
    assert json.loads(anchor_file.read_text())["head"] == anchor["head"]
    append(1)
    again = run("audit", "anchor", "-o", str(anchor_file))
    assert again.exit_code == 2 and "exists already" in again.output
    assert json.loads(anchor_file.read_text())["count"] == 2, "an earlier anchor is never overwritten"


@pytest.mark.parametrize("content, message", [
    (None, "does not exist"),
    (b"head=abc", "not JSON"),
    (b"\xff\xfe\x00", "is not text"),
    (b"[1, 2]", "expected a JSON object"),
    (b'{"count": -1, "entry_id": 1, "head": "' + b"a" * 64 + b'"}', "'count'"),
    (b'{"count": 2, "entry_id": 7, "head": "xyz"}', "'head'"),
    (b'{"count": 2, "entry_id": "7", "head": "' + b"a" * 64 + b'"}', "'entry_id'"),
])
def test_a_bad_anchor_file_is_refused_with_a_message_and_exit_2(run, tmp_path, content, message):
    anchor_file = tmp_path / "anchor.json"
    if content is not None:
        anchor_file.write_bytes(content)
    result = run("audit", "verify", "--anchor", str(anchor_file))
    assert result.exit_code == 2 and message in result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output


def test_an_append_outside_a_request_uses_the_configured_key(run):
    session = db.session()  # no app context: as a worker's job or a service called from a script
    audit.record(session, None, 1, "read")
    session.commit()
    assert run("audit", "verify").output.strip() == "audit log intact: 1 entries"


def legacy_chain(count: int, tamper_at: int | None = None) -> list[int]:
    """Entries as the code before the key wrote them: plain SHA-256 links, no scheme column set."""
    session, previous, ids = db.session(), audit.GENESIS, []
    start = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
    for n in range(count):
        at = start + timedelta(minutes=n, microseconds=n)
        digest = plain_sha256(fields(previous, at, None, n + 1, "read"))
        ids.append(session.execute(insert(AuditEntry).values(
            at=at, actor_id=None, dossier_id=n + 1 if n != tamper_at else 77, action="read", prev_hash=previous,
            hash=digest)).inserted_primary_key[0])
        previous = digest
    session.commit()
    return ids


def test_the_upgrade_rekeys_the_plain_chain_once_after_checking_its_links(app, tmp_path, monkeypatch):
    """The upgrade that brought the key re-chains the plain SHA-256 entries with it (in its migration), after
    checking their plain links; a broken old chain is left as it is, for `audit verify` to report."""
    from alembic import command
    from sqlalchemy import create_engine, text
    from sqlalchemy.orm import Session

    from app.setup import alembic_config

    monkeypatch.setenv("AUDIT_KEY", KEY)
    for tamper_at, expect_keyed in ((None, True), (1, False)):
        url = f"sqlite:///{tmp_path / f'old-{tamper_at}.db'}"
        command.upgrade(alembic_config(url), "e1f8a0000004")  # the schema before the key
        engine = create_engine(url)
        with engine.begin() as connection:
            previous = audit.GENESIS
            for n in range(3):
                at = datetime(2026, 11, 2, 9, 30 + n, tzinfo=timezone.utc)
                digest = plain_sha256(fields(previous, at, None, n + 1, "read"))
                connection.execute(text("INSERT INTO audit_entry (at, actor_id, dossier_id, action, prev_hash, hash) "
                                        "VALUES (:at, NULL, :dossier, 'read', :prev, :hash)"),
                                   {"at": at.replace(tzinfo=None), "dossier": 77 if n == tamper_at else n + 1,
                                    "prev": previous, "hash": digest})
                previous = digest
        command.upgrade(alembic_config(url), "head")
        with Session(engine) as session:
            verdict = audit.verify(session, KEY)
            schemes = set(session.scalars(select(AuditEntry.scheme)))
        engine.dispose()
        assert verdict.intact is expect_keyed and verdict.entries == (4 if expect_keyed else 0)
        assert schemes == ({audit.KEYED} if expect_keyed else {audit.LEGACY})


def test_init_never_rekeys_a_chain_rewritten_as_plain_sha256(run, append):
    """Whoever has the database but not AUDIT_KEY rewrites the log as a plain SHA-256 chain and waits for the next
    deploy: `vertrouwd init` leaves it as it is and `audit verify` reports it (review finding: init re-keyed it)."""
    append(3)
    session = db.session()
    previous = audit.GENESIS
    for entry in entries():
        entry.prev_hash, entry.scheme, entry.dossier_id = previous, audit.LEGACY, 99  # forged and re-chained
        entry.hash = previous = plain_sha256(fields(previous, entry.at, entry.actor_id, 99, entry.action))
    session.commit()
    assert run("init").exit_code == 0
    assert {e.scheme for e in entries()} == {audit.LEGACY}
    result = run("audit", "verify")
    assert result.exit_code == 1 and "broken at entry" in result.output
