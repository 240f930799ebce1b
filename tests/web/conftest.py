"""Fixtures of the inbox tests (web, API, claims): one arranged set of tasks around the OMG PAPSY."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import now
from app.workflow import claims
from tests.helpers import OMG_PAPSY, colleague_papsy, lane_task, user


@pytest.fixture
def inbox(app, store) -> dict[str, int]:
    """Task ids by name. For the OMG PAPSY: ``late`` (2 days late), ``soon`` (in 3 days), ``mine`` (claimed by
    them, in 5 days), ``later`` (in 30 days), ``none`` (no deadline) are to do; ``colleague``'s task was claimed
    by a second PAPSY (of OMG and AWV; "colleague" in the dict is that user's id under ``colleague_id``);
    ``secret`` is a colleague's task of a confidential process; ``awv`` is outside the OMG PAPSY's scope and
    ``confidant`` in another lane. Created in this order; processes "Opvolging" and "Evaluatie"."""
    at = now()
    colleague = colleague_papsy(store)
    colleague_papsy(store, "AWV")
    ids = {
        "late": lane_task(store, "papsy", "OMG", "Kandidaat Jansens", at - timedelta(days=2), step="Aanvraag nakijken"),
        "soon": lane_task(store, "papsy", "OMG", "Kandidaat Peeters", at + timedelta(days=3)),
        "later": lane_task(store, "papsy", "OMG", "100%_zeker", at + timedelta(days=30), process="Evaluatie"),
        "none": lane_task(store, "papsy", "OMG", None, None, process="Evaluatie"),
        "mine": lane_task(store, "papsy", "OMG", "Kandidaat Maes", at + timedelta(days=5)),
        "colleague": lane_task(store, "papsy", "OMG", "Kandidaat Wouters", None, process="Evaluatie"),
        "secret": lane_task(store, "papsy", "OMG", "Dossier 7", None, process="Zaak", confidential=True),
        "awv": lane_task(store, "papsy", "AWV", "Kandidaat Jansens", at - timedelta(days=1), step="Aanvraag nakijken"),
        "confidant": lane_task(store, "confidant", "OMG", "Kandidaat Jansens", at - timedelta(days=1)),
    }
    ids = {name: task.id for name, task in ids.items()}
    claims.claim(store, user(store, OMG_PAPSY), ids["mine"])
    claims.claim(store, colleague, ids["colleague"])
    claims.claim(store, colleague, ids["secret"])
    store.commit()
    return {**ids, "colleague_id": colleague.id}
