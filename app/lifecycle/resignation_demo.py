"""The demo's role ending (R19): Tom Peeters (AWV) lays down his role in 30 days; the AWV PAPSY and EOC secretary
each have their task. Made once (app/demo_cases.py runs it when it is missing)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.accounts import find_user
from app.lifecycle import resignation
from app.models import Confidant
from app.models.lifecycle import RoleEnding

TOM = "tom.peeters@wegenenverkeer.vlaanderen.example"
DESCRIPTION = "a role ending: Tom Peeters (AWV) lays down his role in 30 days; his PAPSY and EOC secretary take note"


def exists(session: Session) -> bool:
    confidant = session.scalar(select(Confidant).where(Confidant.email == TOM))
    return confidant is None or session.scalar(select(RoleEnding.id).where(RoleEnding.confidant_id == confidant.id)
                                               .limit(1)) is not None


def make(session: Session) -> None:
    resignation.start_resignation(session, find_user(session, TOM), resignation.today() + timedelta(days=30))
