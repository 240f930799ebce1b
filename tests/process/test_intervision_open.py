"""R12.2: open intervision sessions of the GDPB (places, waiting list) and IDEWE (the entity's prevention units),
and the attendance certificate of an IDEWE session (bpmn/intervision_external.bpmn) with the clock moved.

Calendar invitations are the calendar work's (``invitations.announce``): here it is replaced and its calls are
asserted. Mails land in the outbox (no SMTP in tests)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from app.engine.errors import InvalidData, NotAllowed
from app.intervision import counting, idewe, invitations, open_sessions, units
from app.models import (CertificateStatus, Confidant, ConfidantStatus, EventParticipant, OutboxMessage,
                        ParticipantStatus, PreventionUnitEntry)
from app.workflow import services
from tests.helpers import AWV_CONFIDANT, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, entity, fire_due, ready_task, user

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
SESSION_END = datetime(2026, 11, 20, 11, 30, tzinfo=timezone.utc)  # 12:30 in Brussels (CET)
FORM = {"day": "2026-11-20", "starts": "09:00", "ends": "12:30", "place": "Herman Teirlinck, Brussel"}


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def announced(monkeypatch):
    """The invitations that went out: (event id, [confidant emails], cancel)."""
    calls: list[tuple[int, list[str], bool]] = []
    monkeypatch.setattr(invitations, "announce", lambda session, event, confidants, cancel=False: calls.append(
        (event.id, [confidant.email for confidant in confidants], cancel)))
    return calls


def gdpb(session, capacity: int = 1):
    return open_sessions.publish(session, user(session, OMG_PAPSY), "open_gdpb", {**FORM, "capacity": str(capacity)})


def idewe_session(session, cost: int = 4):
    return open_sessions.publish(session, user(session, AWV_PAPSY), "open_idewe", {**FORM, "cost_units": str(cost)})


def mails(session, kind: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def test_r12_open_group_when_missed(session, clock, announced):
    event = gdpb(session, capacity=1)
    assert (event.starts_at, event.ends_at) == (datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc), SESSION_END)
    sofie = open_sessions.register(session, user(session, OMG_CONFIDANT), event)
    els = open_sessions.register(session, user(session, AWV_CONFIDANT), event)
    assert (sofie.status, els.status) == (ParticipantStatus.REGISTERED, ParticipantStatus.WAITING)
    assert open_sessions.waiting_place(session, event, els) == 1
    assert announced == [(event.id, [OMG_CONFIDANT], False)]  # the waiting one has no invitation yet
    with pytest.raises(InvalidData):  # once is enough
        open_sessions.register(session, user(session, OMG_CONFIDANT), event)

    moved = open_sessions.unregister(session, user(session, OMG_CONFIDANT), event)
    session.commit()
    assert moved.id == els.id and els.status == ParticipantStatus.REGISTERED
    assert announced[1:] == [(event.id, [OMG_CONFIDANT], True), (event.id, [AWV_CONFIDANT], False)]
    [mail] = mails(session, "place_freed")
    assert mail.to_address == AWV_CONFIDANT and mail.subject.startswith("U hebt een plaats")
    assert "20 nov. 2026 09:00" in mail.subject  # Brussels time


def test_r12_a_papsy_publishes_with_clear_refusals(session, clock):
    with pytest.raises(InvalidData) as refused:
        open_sessions.publish(session, user(session, OMG_PAPSY), "open_gdpb", {"day": "20-11-2026", "starts": "12:00",
                                                                              "ends": "09:00"})
    assert set(refused.value.errors) == {"day", "ends", "place", "capacity"}
    with pytest.raises(NotAllowed):
        open_sessions.publish(session, user(session, OMG_CONFIDANT), "open_gdpb", {**FORM, "capacity": "5"})


def test_r12_idewe_debits_prevention_units(session, clock, announced):
    papsy, omg = user(session, OMG_PAPSY), entity(session, "OMG")
    units.credit(session, papsy, omg, "6", "Bestelling 2026-17")
    first, second = idewe_session(session, cost=4), idewe_session(session, cost=4)
    request = open_sessions.register(session, user(session, OMG_CONFIDANT), first)
    assert request.status == ParticipantStatus.REQUESTED and announced == []
    with pytest.raises(NotAllowed):  # the PAPSY of another entity does not spend OMG's units
        idewe.approve(session, user(session, AWV_PAPSY), request.id)

    approved = idewe.approve(session, papsy, request.id)
    session.commit()
    assert (approved.status, approved.units_debited, units.balance(session, omg.id)) == (ParticipantStatus.APPROVED, 4, 2)
    entry = session.scalar(select(PreventionUnitEntry).where(PreventionUnitEntry.kind == "registration"))
    assert (entry.delta, entry.participant_id, entry.entity_id) == (-4, approved.id, omg.id)
    assert approved.instance_id is not None and announced == [(first.id, [OMG_CONFIDANT], False)]

    short = idewe.approve(session, papsy, open_sessions.register(session, user(session, OMG_CONFIDANT), second).id)
    session.commit()
    assert short.status == ParticipantStatus.REFUSED
    assert short.reason == "Niet genoeg preventie-eenheden: saldo 2, nodig 4."
    assert units.balance(session, omg.id) == 2 and short.units_debited is None

    open_sessions.unregister(session, user(session, OMG_CONFIDANT), first)  # withdrawn before the session: refund
    session.commit()
    assert units.balance(session, omg.id) == 6 and approved.status == ParticipantStatus.CANCELLED
    assert [e.kind for e in units.history(session, omg.id)] == ["refund", "registration", "credit"]
    assert announced[-1] == (first.id, [OMG_CONFIDANT], True)


def test_r12_a_papsy_refuses_an_idewe_request_with_a_reason(session, clock):
    event = idewe_session(session)
    request = open_sessions.register(session, user(session, OMG_CONFIDANT), event)
    with pytest.raises(InvalidData):
        idewe.refuse(session, user(session, OMG_PAPSY), request.id, " ")
    refused = idewe.refuse(session, user(session, OMG_PAPSY), request.id, "Ga naar de GDPB-sessie van 3 december.")
    assert (refused.status, refused.reason) == (ParticipantStatus.REFUSED, "Ga naar de GDPB-sessie van 3 december.")
    assert units.balance(session, entity(session, "OMG").id) == 0


def upload(session, confidant_user):
    task = ready_task(session, "upload_attest")
    assert task.assignee_id == confidant_user.id
    certificate = services.file_store(session, confidant_user, task)(None, b"%PDF-1.4\n%%EOF\n", "application/pdf")
    services.complete_task(session, confidant_user, task.id, {"certificate": certificate})
    session.commit()


def review(session, decision: str, reason: str | None = None) -> None:
    task = ready_task(session, "review_attest")
    services.complete_task(session, user(session, OMG_PAPSY), task.id,
                           {"decision": decision, **({"rejection_reason": reason} if reason else {})})
    session.commit()


def registration(session) -> EventParticipant:
    session.expire_all()
    return session.scalar(select(EventParticipant).where(EventParticipant.status == ParticipantStatus.APPROVED))


def test_r12_external_certificate(session, clock, announced):
    papsy, sofie = user(session, OMG_PAPSY), user(session, OMG_CONFIDANT)
    units.credit(session, papsy, entity(session, "OMG"), "4", "Bestelling")
    event = idewe_session(session, cost=4)
    idewe.approve(session, papsy, open_sessions.register(session, sofie, event).id)
    session.commit()
    assert ready_task(session, "upload_attest") is None  # nothing to upload before the session is over

    fire_due(session, clock, SESSION_END.replace(minute=31))
    assert registration(session).certificate_status == CertificateStatus.AWAITED
    sofie = user(session, OMG_CONFIDANT)
    upload(session, sofie)
    assert registration(session).certificate_status == CertificateStatus.PENDING
    review(session, "reject", "Het attest vermeldt geen datum.")
    row = registration(session)
    assert (row.certificate_status, row.certificate_reason) == (CertificateStatus.REJECTED,
                                                                "Het attest vermeldt geen datum.")
    assert [m.to_address for m in mails(session, "certificate_rejected")] == [OMG_CONFIDANT]
    assert counting.half_days_attended(session, row.confidant_id, 2026) == 0

    upload(session, user(session, OMG_CONFIDANT))  # again, after the rejection
    review(session, "approve")
    row = registration(session)
    assert row.certificate_status == CertificateStatus.APPROVED and row.certificate_reason is None
    assert counting.half_days_attended(session, row.confidant_id, 2026) == 1


def test_r12_a_later_end_of_an_idewe_session_moves_the_certificate_task_with_it(session, clock, announced):
    papsy = user(session, OMG_PAPSY)
    units.credit(session, papsy, entity(session, "OMG"), "4", "Bestelling")
    event = idewe_session(session, cost=4)
    idewe.approve(session, papsy, open_sessions.register(session, user(session, OMG_CONFIDANT), event).id)
    units.credit(session, user(session, AWV_PAPSY), entity(session, "AWV"), "4", "Bestelling")
    idewe.approve(session, user(session, AWV_PAPSY), open_sessions.register(session, user(session, AWV_CONFIDANT),
                                                                           event).id)
    session.commit()
    with pytest.raises(InvalidData) as refused:  # two places are approved: the capacity cannot go under them
        open_sessions.change(session, user(session, AWV_PAPSY), event, {**FORM, "cost_units": "4", "capacity": "1"})
    assert refused.value.errors["capacity"] == "Er zijn al 2 plaatsen ingenomen."
    session.rollback()
    open_sessions.change(session, user(session, AWV_PAPSY), event, {**FORM, "ends": "16:30", "cost_units": "4"})
    session.commit()
    fire_due(session, clock, SESSION_END.replace(minute=31))  # the old end: nothing to upload yet
    assert ready_task(session, "upload_attest") is None
    fire_due(session, clock, datetime(2026, 11, 20, 15, 31, tzinfo=timezone.utc))  # 16:31 in Brussels
    assert ready_task(session, "upload_attest") is not None


def _second_omg_confidant(session) -> Confidant:
    from app.models import User

    account = User(email="tom.peeters@omgeving.vlaanderen.example", name="Tom Peeters", active=True,
                   entity_id=entity(session, "OMG").id)
    session.add(account)
    session.flush()
    confidant = Confidant(user_id=account.id, entity_id=account.entity_id, name=account.name, email=account.email,
                          status=ConfidantStatus.ACTIVE, appointed_on=date(2026, 1, 5))
    session.add(confidant)
    session.flush()
    return confidant


@pytest.mark.postgres
def test_r12_two_approvals_at_once_cannot_overdraw_the_units(pg_app, clock, announced):
    """Two PAPSY approve two requests at the same moment with units for one: the entity's row lock makes the second
    wait for the first and find the balance short."""
    import threading

    from app.db import db

    with pg_app.app_context():
        session = db.session()
        papsy = user(session, OMG_PAPSY)
        units.credit(session, papsy, entity(session, "OMG"), "4", "Bestelling")
        event = idewe_session(session, cost=4)
        sofie = open_sessions.register(session, user(session, OMG_CONFIDANT), event)
        tom = idewe.request(session, event, _second_omg_confidant(session))
        ids = [sofie.id, tom.id]
        event.capacity = None
        session.commit()
        db.session.remove()
    barrier, outcomes = threading.Barrier(2), []

    def approve(participant_id: int) -> None:
        with pg_app.app_context():
            racer = db.session()
            papsy = user(racer, OMG_PAPSY)
            barrier.wait()
            outcomes.append(idewe.approve(racer, papsy, participant_id).status)
            racer.commit()
            db.session.remove()

    threads = [threading.Thread(target=approve, args=(participant_id,)) for participant_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == sorted([ParticipantStatus.APPROVED, ParticipantStatus.REFUSED])
    with pg_app.app_context():
        assert units.balance(db.session(), entity(db.session(), "OMG").id) == 0
        db.session.remove()
