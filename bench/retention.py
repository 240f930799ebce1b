"""The daily retention job (M27) at scale: 20,000 closed dossiers of which 2,000 are due.

A scratch SQLite database, and a PostgreSQL one too when DATABASE_URL points at a server (created and dropped here).
Each gets the demo people, 156 more confidants over the demo entities (160 in all) and, in bulk (not through the
services: the job never opens a ciphertext, so random bytes of the real sizes stand in for them), 20,000 closed
dossiers with their facts, their sealed requester, two notes and the owner's and recovery key's wraps; a tenth are
delicate, with a summary (3 wraps), a consultation (3 wraps) and a summary share. ``--due`` of them closed more than
5 years ago; the others later, so that the job must skip them. The clock is then moved (time-machine) and the job
runs as the workers run it (app/periodic.py, one transaction):

1. on day D it sends the notices: one mail per confidant, each due dossier's notice date kept;
2. on D + 30 it shreds them: every ciphertext and wrap deleted, the row and the facts kept, an audit entry each.

Printed per database and run: the dossiers acted on, the wall time, the milliseconds per dossier, and what the
run left (mails queued, rows of secrets, audit entries). A third run on D + 31 finds nothing (idempotent), timed
too: the daily cost when nothing is due.

    .venv/bin/python bench/retention.py [--dossiers 20000 --due 2000]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/retention.py
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import time_machine  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from app import periodic  # noqa: E402
from app.crypto import recovery  # noqa: E402
from app.db import db  # noqa: E402
from app.models import (  # noqa: E402
    AuditEntry, Consultation, ConsultationKey, Dossier, DossierFact, DossierKey, DossierNote, Entity, OutboxMessage,
    PeriodicRun, Role, User, UserRole,
)
from app.models.dossiers import EscalationSummary, SummaryKey, SummaryShare  # noqa: E402
from bench.support import done_with_database, redis_url, scratch_databases  # noqa: E402
from tests.conftest import _migrate, build_app  # noqa: E402
from tests.helpers import OMG_PAPSY  # noqa: E402

CONFIDANTS, BATCH = 160, 2000
BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = date(2031, 3, 2)  # the first run's day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--due", type=int, default=2_000)
    args = parser.parse_args()
    with scratch_databases() as (folder, urls):
        print(f"{'database':<11} {'run':<22} {'dossiers':>8} {'seconds':>8} {'ms/dossier':>10}  left")
        for name, url in urls:
            _migrate(url)
            build_app(url, redis_url(), Path(folder))
            logging.getLogger().setLevel(logging.WARNING)  # the job's own log line, once per run, is noise here
            with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=timezone.utc), tick=True):
                started = time.perf_counter()
                fill(db.session(), args.dossiers, args.due)
                db.session.remove()
            print(f"{name:<11} {'fill':<22} {args.dossiers:>8} {time.perf_counter() - started:>8.1f}")
            for label, day in (("notices (day D)", DAY), ("shredding (D + 30)", DAY + timedelta(days=30)),
                               ("nothing due (D + 31)", DAY + timedelta(days=31))):
                measure(name, label, day)
            done_with_database()


def measure(name: str, label: str, day: date) -> None:
    moment = datetime(day.year, day.month, day.day, 3, tzinfo=BRUSSELS)
    with time_machine.travel(moment, tick=True):
        db.session.remove()
        started = time.perf_counter()
        assert periodic.run_due(db.session, BRUSSELS, ["retention.daily"]) == ["retention.daily"]
        seconds = time.perf_counter() - started
        session = db.session()
        acted = session.scalar(select(PeriodicRun.result).where(PeriodicRun.job == "retention.daily",
                                                                PeriodicRun.period == day.isoformat()))
        left = _left(session)
        db.session.remove()
    per = f"{seconds * 1000 / acted:>10.2f}" if acted else f"{'-':>10}"
    print(f"{name:<11} {label:<22} {acted:>8} {seconds:>8.2f} {per}  "
          + ", ".join(f"{key} {value}" for key, value in left.items()))


def _left(session) -> dict[str, int]:
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return {"mails": count(OutboxMessage), "shredded": session.scalar(select(func.count(Dossier.id)).where(
                Dossier.shredded_at.is_not(None))),
            "secret rows": sum(count(model) for model in (DossierNote, DossierKey, EscalationSummary, SummaryKey,
                                                          SummaryShare, Consultation, ConsultationKey)),
            "audit entries": count(AuditEntry)}


def fill(session, total: int, due: int) -> None:
    """The confidants and the closed dossiers, in bulk."""
    confidants = _confidants(session)
    papsy_id = session.scalar(select(User.id).where(User.email == OMG_PAPSY))
    recovery_id = recovery.current(session).id
    rng = random.Random(27)
    next_id = (session.scalar(select(func.max(Dossier.id))) or 0) + 1
    due_numbers = set(rng.sample(range(total), due))
    for start in range(0, total, BATCH):
        rows = {model: [] for model in (Dossier, DossierFact, DossierNote, DossierKey, EscalationSummary, SummaryKey,
                                        SummaryShare, Consultation, ConsultationKey)}
        for number in range(start, min(start + BATCH, total)):
            dossier_id = next_id + number
            user_id, entity_id = confidants[number % len(confidants)]
            closed_on = (DAY - timedelta(days=5 * 366 + rng.randrange(300)) if number in due_numbers
                         else DAY - timedelta(days=rng.randrange(40, 1760)))  # due after D + 61
            delicate = number % 10 == 3
            rows[Dossier].append({"id": dossier_id, "confidant_id": user_id, "entity_id": entity_id,
                                  "opened_on": closed_on - timedelta(days=rng.randrange(1, 200)), "closed_on": closed_on,
                                  "outcome": "resolved", "delicate": delicate, "requester_sealed": os.urandom(48),
                                  "escalation_state": "consulted" if delicate else None})
            rows[DossierFact] += [{"dossier_id": dossier_id, "kind": kind, "value": value} for kind, value in (
                ("theme", rng.choice(["stress", "conflict", "bullying"])), ("person", "colleague"),
                ("intervention", "listening"))]
            rows[DossierNote] += [{"dossier_id": dossier_id, "body_sealed": os.urandom(rng.randrange(200, 1200))}
                                  for _ in range(2)]
            rows[DossierKey] += [{"dossier_id": dossier_id, "reader": "owner", "reader_id": user_id,
                                  "wrapped": os.urandom(92)},
                                 {"dossier_id": dossier_id, "reader": "recovery", "reader_id": recovery_id,
                                  "wrapped": os.urandom(92)}]
            if delicate:
                _delicate(rows, dossier_id, user_id, papsy_id, recovery_id)
        for model, values in rows.items():
            if values:
                session.execute(insert(model), values)
        session.commit()


def _delicate(rows: dict, dossier_id: int, user_id: int, papsy_id: int, recovery_id: int) -> None:
    readers = [("owner", user_id), ("papsy", papsy_id), ("recovery", recovery_id)]
    rows[EscalationSummary].append({"id": dossier_id, "dossier_id": dossier_id, "body_sealed": os.urandom(600)})
    rows[SummaryKey] += [{"summary_id": dossier_id, "reader": kind, "reader_id": reader, "wrapped": os.urandom(92)}
                         for kind, reader in readers]
    rows[SummaryShare].append({"summary_id": dossier_id, "papsy_id": papsy_id, "confidant_id": user_id})
    rows[Consultation].append({"id": dossier_id, "dossier_id": dossier_id, "papsy_id": papsy_id,
                               "body_sealed": os.urandom(300)})
    rows[ConsultationKey] += [{"consultation_id": dossier_id, "reader": kind, "reader_id": reader,
                               "wrapped": os.urandom(92)} for kind, reader in readers]


def _confidants(session) -> list[tuple[int, int]]:
    """160 active confidants over the demo entities: the demo ones and as many more as needed."""
    entities = session.scalars(select(Entity.id).order_by(Entity.id)).all()
    existing = session.execute(select(User.id, User.entity_id).join(UserRole).where(
        UserRole.role == Role.CONFIDANT.value, User.entity_id.is_not(None))).all()
    for number in range(CONFIDANTS - len(existing)):
        account = User(email=f"vp{number}@bench.example", name=f"Vertrouwenspersoon {number}",
                       entity_id=entities[number % len(entities)])
        session.add(account)
        session.flush()
        session.add(UserRole(user_id=account.id, role=Role.CONFIDANT.value))
    session.commit()
    return [tuple(row) for row in session.execute(select(User.id, User.entity_id).join(UserRole).where(
        UserRole.role == Role.CONFIDANT.value, User.entity_id.is_not(None)).order_by(User.id))]


if __name__ == "__main__":
    main()
