"""R8, the yearly sharing of repeated incidents (bpmn/incident_sharing.bpmn, app/incidents/) with the clock moved:
the timer start on 1 December, the confidant's task with only their own repeated-incident dossiers of the year, the
account sealed for the entity's PAPSY (not the EOC secretary, not another entity's PAPSY), the acknowledgement, the
reminders in the outbox, the late state for the evaluation, and the cancellation when the role ends.

Timers fire through the real job function (tests.helpers.fire_due), as a worker fires them."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from flask import g
from sqlalchemy import delete, func, select

from app.crypto import sealed_texts, user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import services as dossiers
from app.engine.errors import InvalidData
from app.incidents import account
from app.incidents.services import sharing_states
from app.incidents.sharing import start_year
from app.lifecycle import resignation
from app.models import (
    AuditEntry,
    Confidant,
    IncidentSharing,
    OutboxMessage,
    SharingState,
    Task,
    TaskState,
)
from app.models.keys import UserKey
from app.workflow import services as workflow
from tests.helpers import (
    AWV_CONFIDANT,
    AWV_PAPSY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    entity,
    fire_due,
    login,
    post_form,
    user,
)

UTC = timezone.utc
KOEN = "koen.maes@omgeving.vlaanderen.example"
NOVEMBER = datetime(2027, 11, 20, 9, 0, tzinfo=UTC)
OPENS = datetime(2027, 12, 1, 8, 0, tzinfo=UTC)  # 1 December 09:00 in Brussels
FIRST_REMINDER = datetime(2028, 1, 15, 8, 0, tzinfo=UTC)
DUE_REMINDER = datetime(2028, 1, 31, 8, 0, tzinfo=UTC)
ACCOUNT = "Drie keer pesterijen in dezelfde ploeg, telkens na een herverdeling van het werk."


def facts(opened_on: date, repeated: bool, theme: str = "bullying") -> dict:
    return {"opened_on": opened_on, "requester": "Verzoeker R", "themes": [theme], "persons": ["colleague"],
            "interventions": ["listening"], "note": "Gesprek.", "repeated_incident": repeated}


def ready(session, spec_name: str, subject: str) -> Task | None:
    session.expire_all()
    return session.scalar(select(Task).where(Task.spec_name == spec_name, Task.state == TaskState.READY,
                                             Task.subject == subject))


def sharing(session, email: str, year: int) -> IncidentSharing:
    session.expire_all()
    return session.scalar(select(IncidentSharing).join(Confidant, Confidant.id == IncidentSharing.confidant_id)
                          .where(Confidant.email == email, IncidentSharing.year == year))


def signed_in(app, email: str):
    """A client signed in as ``email``. The session fixture's app context is shared with the requests, so its ``g``
    (the signed-in user, the CSRF token) is emptied first."""
    for name in list(g):
        g.pop(name)
    client = app.test_client()
    login(client, email)
    return client


def reminded(session) -> list[str]:
    session.expire_all()
    return sorted(session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "reminder")))


@pytest.fixture
def year_2027(session):
    """20 November 2027: keys for the OMG confidants and both PAPSY; Sofie's dossiers (repeated ones of 2027 and
    2026, one not repeated), Els's repeated one; every confidant's 2027 sharing started, waiting for 1 December."""
    with time_machine.travel(NOVEMBER, tick=False) as clock:
        keys = {email: user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
                for email in (OMG_CONFIDANT, KOEN, OMG_PAPSY, AWV_PAPSY, AWV_CONFIDANT, OMG_SECRETARY)}
        sofie = user(session, OMG_CONFIDANT)
        mine = dossiers.register(session, sofie, facts(date(2027, 3, 1), True))
        dossiers.register(session, sofie, facts(date(2027, 4, 1), False, "conflict"))
        old = dossiers.register(session, sofie, facts(date(2026, 2, 1), True))
        dossiers.close(session, sofie, old.id, date(2026, 6, 1), "resolved")
        dossiers.register(session, user(session, AWV_CONFIDANT), facts(date(2027, 5, 1), True))
        active = session.scalar(select(func.count()).select_from(Confidant))
        assert start_year(session, 2027) == active and start_year(session, 2027) == 0, "one per confidant and year"
        session.commit()
        yield {"clock": clock, "keys": keys, "mine": mine.id, "old": old.id, "active": active}


def test_r8_opens_on_1_december_with_only_the_confidants_repeated_dossiers_of_the_year(app, session, year_2027):
    clock, name = year_2027["clock"], user(session, OMG_CONFIDANT).name
    assert ready(session, "share_incidents", name) is None and sharing_states(session, entity(session, "OMG").id,
                                                                               2027) == {}
    fire_due(session, clock, OPENS - timedelta(seconds=1))
    assert ready(session, "share_incidents", name) is None, "not before 1 December 09:00"
    fire_due(session, clock, OPENS + timedelta(seconds=1))
    sofie = user(session, OMG_CONFIDANT)
    task = ready(session, "share_incidents", sofie.name)
    assert task is not None and task.assignee_id == sofie.id and task.entity.code == "OMG"
    assert task.due_at == datetime(2028, 1, 31, 22, 59, 59, tzinfo=UTC)
    assert sharing(session, OMG_CONFIDANT, 2027).dossier_count == 1
    assert sharing(session, OMG_CONFIDANT, 2028).state == SharingState.OPEN, "the next year waits for its December"
    assert session.scalar(select(func.count()).select_from(Task).where(
        Task.spec_name == "share_incidents", Task.state == TaskState.READY)) == year_2027["active"]

    client = signed_in(app, OMG_CONFIDANT)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert f'/dossiers/{year_2027["mine"]}"' in page and f'/dossiers/{year_2027["old"]}"' not in page
    assert page.count("/dossiers/") == 1, "only her repeated-incident dossier of 2027, not Els's nor the others"
    assert "Pesten" in page or "pesten" in page.lower()


def test_r8_account_sealed_for_the_entity_papsy_who_acknowledges(app, session, year_2027):
    clock = year_2027["clock"]
    fire_due(session, clock, OPENS + timedelta(seconds=1))
    sofie, luc = user(session, OMG_CONFIDANT), user(session, OMG_PAPSY)
    task = ready(session, "share_incidents", sofie.name)
    with pytest.raises(InvalidData) as refused:
        workflow.complete_task(session, sofie, task.id, {})
    assert "1 dossier(s) van 2027" in str(refused.value.errors["account"]), "an empty account needs no dossier"
    session.rollback()
    workflow.complete_task(session, sofie, task.id, {"account": ACCOUNT})
    session.commit()

    shared = sharing(session, OMG_CONFIDANT, 2027)
    assert shared.state == SharingState.SUBMITTED and shared.submitted_at is not None and shared.account_id
    readers = set(session.execute(select(sealed_texts.SealedTextKey.reader, sealed_texts.SealedTextKey.reader_id)
                                  .where(sealed_texts.SealedTextKey.text_id == shared.account_id)).all())
    assert ("owner", sofie.id) in readers and ("papsy", luc.id) in readers
    assert ("papsy", user(session, AWV_PAPSY).id) not in readers, "another entity's PAPSY"
    assert all(reader_id != user(session, OMG_SECRETARY).id for _kind, reader_id in readers), "the employer"
    awv_key = year_2027["keys"][AWV_PAPSY]
    assert account.read_account(session, user(session, AWV_PAPSY), shared, awv_key) is None

    acknowledge = ready(session, "acknowledge_incidents", sofie.name)
    assert acknowledge.lane == "papsy"
    client = signed_in(app, OMG_PAPSY)
    page = client.get(f"/tasks/{acknowledge.id}").get_data(as_text=True)
    assert ACCOUNT in page and "1 dossier van dit jaar" in page
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == f"read_incident_account {shared.id}", AuditEntry.actor_id == luc.id)) == 1
    assert ACCOUNT not in signed_in(app, AWV_PAPSY).get(f"/tasks/{acknowledge.id}").get_data(as_text=True)
    client = signed_in(app, OMG_PAPSY)
    assert post_form(client, f"/tasks/{acknowledge.id}", {"acknowledged": "true"}).status_code == 302

    done = sharing(session, OMG_CONFIDANT, 2027)
    assert (done.state, done.acknowledged_by_id) == (SharingState.ACKNOWLEDGED, luc.id)
    omg = entity(session, "OMG").id
    koen = session.scalar(select(Confidant.id).where(Confidant.email == KOEN))
    assert sharing_states(session, omg, 2027)[done.confidant_id] == "acknowledged"
    assert sharing_states(session, omg, 2027)[koen] == "open"

    fire_due(session, clock, FIRST_REMINDER - timedelta(seconds=1))
    assert reminded(session) == []
    fire_due(session, clock, FIRST_REMINDER + timedelta(seconds=1))
    assert OMG_CONFIDANT not in reminded(session) and KOEN in reminded(session), "only who has not shared"
    body = session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == KOEN))
    assert "Herhaalde incidenten delen" in body and "31 jan. 2028" in body and ACCOUNT not in body
    fire_due(session, clock, DUE_REMINDER + timedelta(seconds=1))
    assert reminded(session).count(KOEN) == 2, "again on the due date"
    assert sharing_states(session, omg, 2027)[koen] == "open", "due today: not late yet"
    clock.move_to(datetime(2028, 2, 1, 9, 0, tzinfo=UTC))
    assert sharing_states(session, omg, 2027)[koen] == "late"


def test_r8_without_a_papsy_key_the_account_is_refused_with_why(session, year_2027):
    fire_due(session, year_2027["clock"], OPENS + timedelta(seconds=1))
    session.execute(delete(UserKey).where(UserKey.user_id == user(session, OMG_PAPSY).id))  # never signed in
    sofie = user(session, OMG_CONFIDANT)
    with pytest.raises(InvalidData) as refused:
        workflow.complete_task(session, sofie, ready(session, "share_incidents", sofie.name).id, {"account": ACCOUNT})
    assert "nog geen sleutel" in refused.value.errors["account"]
    session.rollback()
    assert sharing(session, OMG_CONFIDANT, 2027).state == SharingState.OPEN


def test_r8_cancelled_when_the_role_ends(session, year_2027):
    clock = year_2027["clock"]
    fire_due(session, clock, OPENS + timedelta(seconds=1))
    koen = user(session, KOEN)
    resignation.start_resignation(session, koen, date(2027, 12, 1))  # today: the role ends at once
    session.commit()
    assert ready(session, "share_incidents", koen.name) is None, "his task lapses; no PAPSY inherits it"
    assert sharing(session, KOEN, 2027).state == SharingState.CANCELLED
    assert sharing(session, KOEN, 2028).state == SharingState.CANCELLED, "and next year's waits no more"
    koen_id = session.scalar(select(Confidant.id).where(Confidant.email == KOEN))
    assert sharing_states(session, entity(session, "OMG").id, 2027)[koen_id] == "cancelled"
    fire_due(session, clock, FIRST_REMINDER + timedelta(seconds=1))
    assert KOEN not in reminded(session)
