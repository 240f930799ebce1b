"""The yearly evaluation (R18): from 15 January the previous year's evaluation of every entity that has none.

A daily periodic job (app/periodic.py) rather than a BPMN timer start: the work is one batch over the entities, with
no human step of its own (the conversations it calls for are processes), and periodic_run already gives what a
yearly job needs: one run per day across the workers, its work and its row in one transaction, a failure retried the
next round. Until 15 January it does nothing; from then on it generates only what is missing, so running it every
day (or by hand, `vertrouwd periodic run evaluation.yearly`) generates each evaluation once.
"""
from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.evaluation import services
from app.mail.outbox import current_settings
from app.periodic import periodic

log = logging.getLogger(__name__)
FROM_DAY = (1, 15)  # (month, day): the year's figures are complete by then


@periodic("evaluation.yearly", hour=5)
def yearly(session: Session, moment: datetime) -> int:
    """Generate last year's missing evaluations once 15 January has come; returns how many."""
    local = moment.astimezone(ZoneInfo(current_settings().display_timezone)).date()
    if (local.month, local.day) < FROM_DAY:
        return 0
    generated = services.generate_year(session, local.year - 1, missing_only=True)
    if generated:
        log.info("evaluation: %d evaluation(s) of %d generated", generated, local.year - 1)
    return generated
