"""R21: contacts between confidants and their PAPSY, logged by either side (date and kind, no content), seen by both,
counted per confidant and calendar year for the evaluation."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import inspect, select
from werkzeug.datastructures import MultiDict

from app.contacts import services
from app.engine.errors import InvalidData, NotAllowed
from app.models import Confidant, PapsyContact
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, entity, user

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def form(held_on: str, kind: str, other: int) -> MultiDict:
    return MultiDict({"held_on": held_on, "kind": kind, "with": str(other)})


def log(session, who, held_on: str, kind: str, other: int) -> PapsyContact:
    given, _values, errors = services.parse_contact(form(held_on, kind, other))
    assert errors == {}
    return services.log_contact(session, who, given)


def confidant(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.email == email))


def test_r21_both_sides_log_contacts_and_both_see_them(session):
    sofie, luc = user(session, OMG_CONFIDANT), user(session, OMG_PAPSY)
    mine = log(session, sofie, "2026-03-02", "consultation", luc.id)
    theirs = log(session, luc, "2026-06-15", "risk_analysis", confidant(session, OMG_CONFIDANT).id)
    assert (mine.papsy_id, mine.recorded_by_id, theirs.papsy_id, theirs.recorded_by_id) == \
        (luc.id, sofie.id, luc.id, luc.id)
    assert [row.kind for row in services.contacts_for(session, sofie, None, None)] == \
        ["Psychosociale risicoanalyse", "Overleg"]
    assert len(services.contacts_for(session, luc, confidant(session, OMG_CONFIDANT).id, 2026)) == 2
    assert services.contacts_for(session, user(session, AWV_PAPSY), None, None) == []  # another entity's PAPSY
    content_columns = {column.key for column in inspect(PapsyContact).columns} - {
        "id", "confidant_id", "papsy_id", "entity_id", "held_on", "kind", "recorded_by_id", "created_at"}
    assert content_columns == set()  # no field for what was said


def test_r21_contacts_per_confidant_counts_the_calendar_year(session):
    sofie, luc = user(session, OMG_CONFIDANT), user(session, OMG_PAPSY)
    for held_on in ("2025-12-31", "2026-01-01", "2026-07-01", "2026-11-30"):
        log(session, sofie, held_on, "phone", luc.id)
    els = confidant(session, AWV_CONFIDANT)
    log(session, user(session, AWV_PAPSY), "2026-05-05", "meeting", els.id)
    omg = entity(session, "OMG").id
    assert services.contacts_per_confidant(session, omg, 2026) == {confidant(session, OMG_CONFIDANT).id: 3}
    assert services.contacts_per_confidant(session, omg, 2025) == {confidant(session, OMG_CONFIDANT).id: 1}
    assert services.contacts_per_confidant(session, entity(session, "AWV").id, 2026) == {els.id: 1}


def test_r21_partners_outside_ones_entities_and_other_roles_are_refused(session):
    sofie, hilde = user(session, OMG_CONFIDANT), user(session, AWV_PAPSY)
    with pytest.raises(InvalidData) as refused:
        log(session, sofie, "2026-03-02", "consultation", hilde.id)  # not OMG's PAPSY
    assert set(refused.value.errors) == {"with"}
    with pytest.raises(InvalidData):
        log(session, hilde, "2026-03-02", "consultation", confidant(session, OMG_CONFIDANT).id)
    with pytest.raises(NotAllowed):
        log(session, user(session, OMG_SECRETARY), "2026-03-02", "consultation", hilde.id)
    given, _values, errors = services.parse_contact(form("2026-12-25", "gossip", 0))
    assert given is None and set(errors) == {"held_on", "kind", "with"}
    assert session.scalars(select(PapsyContact)).all() == []
