"""R20: the register of facts by third parties. A fact's description is sealed for its confidant and the recovery key
only (never the PAPSY) and every opening is audited; its categorical facts feed the entity's anonymous report, where
no count from 1 to K-1 is shown or can be recomputed; a prevention measure's follow-up is a task on its date with a
reminder a week later, and its outcome is kept in the register, not in the workflow."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers.audit import Action
from app.engine.errors import NotAllowed
from app.models import (
    AuditEntry,
    MeasureState,
    OutboxMessage,
    PreventionMeasure,
    ProcessInstance,
    SealedText,
    SealedTextKey,
    Task,
    TaskState,
)
from app.register import facts, measures, report
from app.reports.suppression import derivable
from app.workflow import services as workflow
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, entity, fire_due, user

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # Tuesday 1 December 2026, 11:00 in Brussels
SECRET = "De man aan het loket riep de naam van Jan Peeters"


def fact_form(**overrides) -> MultiDict:
    return MultiDict({"occurred_on": "2026-11-20", "kind": "violence", "context": "counter",
                      "third_party": "citizen", "victim_function": "counter_staff", "description": SECRET,
                      **overrides})


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sofie(session, clock):
    """The OMG confidant with her key pair: (user, private key)."""
    me = user(session, OMG_CONFIDANT)
    private = user_keys.create_for(session, me, DEMO_PASSWORD)
    session.commit()
    return me, private


def record(session, me, **overrides):
    given, _values, errors = facts.parse_fact(fact_form(**overrides))
    assert errors == {}
    return facts.record_fact(session, me, given)


def test_r20_description_is_sealed_for_the_confidant_and_recovery_only(session, sofie):
    me, private = sofie
    fact = record(session, me)
    session.commit()
    sealed = session.get(SealedText, fact.description_id)
    assert SECRET.encode() not in sealed.body_sealed
    readers = {row.reader for row in session.scalars(select(SealedTextKey).where(SealedTextKey.text_id == sealed.id))}
    assert readers == {"owner", "recovery"}  # never the PAPSY
    assert (fact.kind, fact.context, fact.third_party) == ("violence", "counter", "citizen")  # in clear, for reports
    view = facts.read_fact(session, me, fact.id, private)
    assert view.description == SECRET
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.dossier_id == fact.id)).all()
    assert Action.WRITE_THIRD_PARTY_FACT in actions and Action.READ_THIRD_PARTY_FACT in actions


def test_r20_only_the_confidant_corrects_and_nobody_else_reads(session, sofie):
    me, private = sofie
    fact = record(session, me)
    given, _v, _e = facts.parse_fact(fact_form(kind="harassment", description="Verbeterde beschrijving"))
    facts.correct_fact(session, me, fact.id, given)
    assert facts.read_fact(session, me, fact.id, private).description == "Verbeterde beschrijving"
    assert fact.kind == "harassment"
    with pytest.raises(NotAllowed):
        facts.own_facts(session, user(session, OMG_PAPSY), None)
    with pytest.raises(NotAllowed):
        facts.own_facts(session, user(session, ADMIN), None)


def test_r20_bad_input_is_refused_with_a_message_per_field(session, sofie):
    given, values, errors = facts.parse_fact(fact_form(occurred_on="2026-12-24", kind="murder", context="",
                                                       victim_function="Jan", description=""))
    assert given is None
    assert set(errors) == {"occurred_on", "kind", "context", "victim_function", "description"}
    assert values["kind"] == "murder"
    given, _v, errors = measures.parse_measure(MultiDict({"proposal": "", "owner": "x" * 300,
                                                          "follow_up_on": "2026-11-30"}))
    assert given is None and set(errors) == {"proposal", "owner", "follow_up_on"}


def test_r20_measure_follow_up_is_a_task_with_a_reminder_and_keeps_the_outcome_out_of_the_workflow(
        session, sofie, clock):
    me, _private = sofie
    fact = record(session, me)
    given, _v, errors = measures.parse_measure(MultiDict({
        "proposal": "Een tweede medewerker aan het loket tijdens de avondopening", "owner": "Dienst facilitair",
        "follow_up_on": "2026-12-10"}))
    measure = measures.propose(session, me, fact.id, given)
    session.commit()
    measure_id, instance_id = measure.id, measure.instance_id
    assert session.scalar(select(Task).where(Task.instance_id == instance_id)) is None  # not before the date
    fire_due(session, clock, datetime(2026, 12, 10, 7, 5, tzinfo=timezone.utc))  # 08:05 in Brussels
    me = user(session, OMG_CONFIDANT)  # firing ended the session's objects
    task = session.scalar(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY))
    assert task.spec_name == measures.FOLLOW_UP and task.assignee_id == me.id
    fire_due(session, clock, datetime(2026, 12, 17, 7, 5, tzinfo=timezone.utc))
    me = user(session, OMG_CONFIDANT)
    reminders = session.scalars(select(OutboxMessage).where(OutboxMessage.instance_id == instance_id,
                                                            OutboxMessage.kind == "reminder")).all()
    assert len(reminders) == 1 and reminders[0].to_address == me.email
    mails = " ".join(message.body for message in session.scalars(select(OutboxMessage)))
    assert SECRET not in mails and "tweede medewerker" not in mails
    task = session.scalar(select(Task).where(Task.instance_id == instance_id, Task.state == TaskState.READY))
    workflow.complete_task(session, me, task.id, {"measure_state": "taken",
                                                  "outcome": "Sinds januari met twee aan het loket"})
    session.commit()
    session.expire_all()
    measure = session.get(PreventionMeasure, measure_id)
    assert (measure.state, measure.outcome, measure.outcome_on) == \
        (MeasureState.TAKEN, "Sinds januari met twee aan het loket", date(2026, 12, 17))
    state = session.get(ProcessInstance, instance_id).state_json
    assert "Sinds januari" not in str(state) and "tweede medewerker" not in str(state) and SECRET not in str(state)


def test_r20_report_shows_no_count_below_k_and_none_can_be_recomputed(session, sofie):
    me, _private = sofie
    for _ in range(9):
        record(session, me, occurred_on="2026-02-03")
    for _ in range(6):
        record(session, me, occurred_on="2026-05-04", kind="harassment", context="phone", third_party="client")
    for _ in range(2):
        record(session, me, occurred_on="2026-08-05", kind="undesirable_behaviour", context="online",
               third_party="visitor")
    record(session, me, occurred_on="2025-08-05")
    session.flush()
    shown = report.report_for(session, entity(session, "OMG"), 2026, 5)
    cells = [shown.total, *shown.quarters.values()]
    for table in (shown.by_context, shown.by_third_party):
        cells += [*table.cells.values(), *table.row_totals.values(), *table.column_totals.values()]
    assert all(cell.suppressed or cell.value == 0 or cell.value >= 5 for cell in cells)
    assert shown.total.value == 17 and shown.by_context.cells[("violence", "counter")].value == 9
    assert shown.by_context.cells[("undesirable_behaviour", "online")].suppressed
    assert shown.quarters[3].suppressed  # the two of the third quarter
    values = report._values(session.execute(
        report.select(report.ThirdPartyFact.kind, report.ThirdPartyFact.context, report.ThirdPartyFact.third_party,
                      report.extract("month", report.ThirdPartyFact.occurred_on))
        .where(report.extract("year", report.ThirdPartyFact.occurred_on) == 2026)).all())
    hidden = {key for key, value in values.items() if 1 <= value < 5}
    suppressed = report.protect(values, report._lines(), 5)
    assert hidden <= suppressed and not derivable(report._lines(), values, suppressed)


def test_r20_a_year_with_fewer_than_k_facts_shows_no_count(session, sofie):
    me, _private = sofie
    for _ in range(4):
        record(session, me)
    shown = report.report_for(session, entity(session, "OMG"), 2026, 5)
    assert shown.total.suppressed and all(cell.suppressed for cell in shown.by_context.cells.values())
