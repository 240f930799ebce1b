"""R20: the register of facts by third parties. A fact's description is sealed for its confidant and the recovery key
only (never the PAPSY) and every opening is audited; its categorical facts feed the entity's anonymous report, where
no count from 1 to K-1 is shown or can be recomputed; a prevention measure's follow-up is a task on its date with a
reminder a week later, and its outcome is kept in the register, not in the workflow."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select
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
    ReportSnapshot,
    SealedText,
    SealedTextKey,
    Task,
    TaskState,
)
from app.register import facts, measures, report
from app.reports.suppression import derivable
from app.workflow import services as workflow
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, entity, fire_due, login, user

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
        record(session, me, occurred_on="2025-02-03")
    for _ in range(6):
        record(session, me, occurred_on="2025-05-04", kind="harassment", context="phone", third_party="client")
    for _ in range(2):
        record(session, me, occurred_on="2025-08-05", kind="undesirable_behaviour", context="online",
               third_party="visitor")
    record(session, me, occurred_on="2024-08-05")
    session.flush()
    shown = report.report_for(session, entity(session, "OMG"), 2025, 5)
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
        .where(report.extract("year", report.ThirdPartyFact.occurred_on) == 2025)).all())
    hidden = {key for key, value in values.items() if 1 <= value < 5}
    suppressed = report.protect(values, report._lines(), 5)
    assert hidden <= suppressed and not derivable(report._lines(), values, suppressed)
    stored = session.get(ReportSnapshot, ("register", entity(session, "OMG").id, 2025, 5)).content
    assert stored["cells"]["context/undesirable_behaviour/online"] is None and stored["cells"]["quarter/3"] is None
    assert 2 not in stored["cells"].values()  # the snapshot keeps the shown output, never a hidden count


def test_r20_a_year_with_fewer_than_k_facts_shows_no_count(session, sofie):
    me, _private = sofie
    for _ in range(4):
        record(session, me, occurred_on="2025-11-20")
    shown = report.report_for(session, entity(session, "OMG"), 2025, 5)
    assert shown.total.suppressed and all(cell.suppressed for cell in shown.by_context.cells.values())


def test_r20_the_running_year_is_not_reported_and_a_published_one_is_frozen(session, sofie, clock):
    """2026 is reported from 1 February 2027 on, as a year without facts before; once made, its report no longer
    follows the register: a fact recorded late (or corrected) changes nothing shown."""
    me, _private = sofie
    omg = entity(session, "OMG")
    for _ in range(6):
        record(session, me, occurred_on="2026-11-20")
    session.commit()
    early = report.report_for(session, omg, 2026, 5)
    assert not early.published and early.total.value == 0 and early.published_on == date(2027, 2, 1)
    assert report.years_for(session, omg.id, date(2026, 12, 1)) == [2025]
    clock.move_to(datetime(2027, 2, 1, 9, 0, tzinfo=timezone.utc))
    first = report.report_for(session, omg, 2026, 5)
    assert first.published and first.total.value == 6 and first.quarters[4].value == 6
    session.commit()
    record(session, me, occurred_on="2026-12-30")  # recorded late
    session.commit()
    again = report.report_for(session, omg, 2026, 5)
    assert again.total.value == 6 and again.by_context.cells[("violence", "counter")].value == 6
    assert report.years_for(session, omg.id, date(2027, 2, 1)) == [2026]


def test_r20_two_first_openings_at_once_store_one_snapshot(session, sofie, clock):
    """The second of two first requests finds the key taken when it inserts: it serves the stored report."""
    me, _private = sofie
    omg = entity(session, "OMG")
    for _ in range(5):
        record(session, me, occurred_on="2025-03-03")
    session.commit()
    stored = report._made(session, omg.id, 2025, 5)
    session.add(ReportSnapshot(kind="register", scope=omg.id, year=2025, k=5, content=stored))
    session.commit()
    session.expunge_all()  # this request's session has not seen the other's snapshot
    mine = report._freeze(session, ("register", omg.id, 2025, 5), {**stored, "measures_total": 99})
    assert mine.content == stored
    assert session.scalar(select(func.count()).select_from(ReportSnapshot)) == 1


def test_r20_the_follow_up_task_shows_the_measure_and_never_the_description(app, store):
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc), tick=False):
        me = user(store, OMG_CONFIDANT)
        user_keys.create_for(store, me, DEMO_PASSWORD)
        fact = record(store, me)
        given, _v, _e = measures.parse_measure(MultiDict({"proposal": "Een bel onder het loket",
                                                          "owner": "Dienst facilitair", "follow_up_on": "2026-12-01"}))
        measure = measures.propose(store, me, fact.id, given)  # today, past 08:00: the task is there at once
        store.commit()
        task_id = store.scalar(select(Task.id).where(Task.instance_id == measure.instance_id))
        client = app.test_client()
        login(client, OMG_CONFIDANT)
        page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Preventiemaatregel opvolgen" in page and "Een bel onder het loket" in page
    assert SECRET not in page


def test_r20_the_report_page_offers_published_years_and_says_when_a_year_appears(app, store):
    with time_machine.travel(T0, tick=False):
        me = user(store, OMG_CONFIDANT)
        user_keys.create_for(store, me, DEMO_PASSWORD)
        for _ in range(5):
            record(store, me, occurred_on="2025-06-02")
        record(store, me, occurred_on="2026-11-20")
        store.commit()
        client = app.test_client()
        login(client, OMG_SECRETARY)
        published = client.get("/register/report").get_data(as_text=True)
        running = client.get("/register/report?year=2026")
    assert "Aard en plaats" in published and "verandert niet meer" in published
    assert '<option value="2025" selected' in published and '<option value="2026"' not in published
    assert running.status_code == 200
    page = running.get_data(as_text=True)
    assert "verschijnt op 1 feb. 2027" in page and "Aard en plaats" not in page
