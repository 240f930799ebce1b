"""What the admin's page of a bulk migration shows (app/admin/migrations.py): its progress (moved, possible,
refused, failed, to go), why the instances that cannot move cannot (grouped by reason), and a page of results."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.migration import reason_text
from app.models import MigrationResult, MigrationRun, User
from app.modeling import migrations

PER_PAGE = 50


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict[str, int]  # per outcome (migrations.OUTCOMES)
    finished: bool

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    @property
    def to_go(self) -> int:
        return 0 if self.finished else max(self.total - self.done, 0)

    def as_json(self) -> dict:
        return {**self.counts, "total": self.total, "done": self.done, "to_go": self.to_go, "finished": self.finished}


@dataclass(frozen=True)
class RunReport:
    run: MigrationRun
    progress: Progress
    reasons: list[tuple[str, int]]  # why instances did not move, the most frequent first
    results: list[MigrationResult]  # one page, in the order they were done
    page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.progress.done / PER_PAGE))


def progress(session: Session, user: User, run_id: int) -> Progress:
    run = migrations.run_of(session, user, run_id)
    return Progress(run.total, migrations.counts_of(session, run.id), run.finished_at is not None)


def report(session: Session, user: User, run_id: int, page: int = 1) -> RunReport:
    run = migrations.run_of(session, user, run_id)
    results = list(session.scalars(select(MigrationResult).where(MigrationResult.run_id == run.id)
                                   .order_by(MigrationResult.id).offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return RunReport(run, Progress(run.total, migrations.counts_of(session, run.id), run.finished_at is not None),
                     _reasons(session, run.id), results, page)


def _reasons(session: Session, run_id: int) -> list[tuple[str, int]]:
    """Each reason given for a refused or failed instance, with how many instances it holds back."""
    counted: Counter[str] = Counter()
    for reasons in session.scalars(select(MigrationResult.reasons).where(
            MigrationResult.run_id == run_id, MigrationResult.outcome.in_(("refused", "failed")))):
        counted.update({reason_text(reason) for reason in reasons or []})
    return sorted(counted.items(), key=lambda item: (-item[1], item[0]))
