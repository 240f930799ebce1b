"""R18: the annual evaluation per entity, with the clock moved to the yearly job's day. Three whole years in the role
without a registered dossier start exactly one "conversation about the role" with the PAPSY (its notes sealed, a
reminder when late); two empty years, or a confidant appointed two years ago, start none; regenerating replaces the
facts and starts nothing twice."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, inspect, select, text, update

from app.crypto import sealed_texts, user_keys
from app.demo import DEMO_PASSWORD
from app.evaluation import conversation, facts, services
from app.reports import services as reports
from app.models import (
    AuditEntry,
    Confidant,
    Evaluation,
    IncidentSharing,
    OutboxMessage,
    PapsyContact,
    PeriodicRun,
    ProcessInstance,
    SharingState,
    Task,
    TaskState,
    WorkingConversation,
)
from app.models.dossiers import Dossier
from app.periodic import run_due
from app.workflow import services as workflow
from tests.helpers import ADMIN, AWV_CONFIDANT, OMG_CONFIDANT, OMG_PAPSY, entity, fire_due, ready_task, user
from tests.unit.test_cli import run  # noqa: F401 (the fixture: the command on the test database)

BRUSSELS = ZoneInfo("Europe/Brussels")
JOB_DAY_2027 = datetime(2027, 1, 15, 6, 0, tzinfo=timezone.utc)  # 07:00 in Brussels: the job is due
KOEN, TOM = "koen.maes@omgeving.vlaanderen.example", "tom.peeters@wegenenverkeer.vlaanderen.example"
NOTES = "Sofie twijfelt of ze de rol wil voortzetten (canary-notes-7f3a)"


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc), tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def on_the_platform_since_2020(session):
    """The demo's confidants were put on the platform when the test database was made; here they have been on it
    since 2020, so that their empty years count (R18)."""
    session.execute(update(Confidant).values(created_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
    session.commit()


def confidant(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.email == email))


def dossier(session, email: str, opened_on: date) -> None:
    owner = user(session, email)
    session.add(Dossier(confidant_id=owner.id, entity_id=owner.entity_id, opened_on=opened_on))
    session.commit()


def every_row(session) -> bytes:
    """Every row of every table, as bytes (what the operator with the database reads)."""
    connection = session.connection()
    return b"\n".join(repr(tuple(row)).encode() for table in inspect(connection).get_table_names()
                      for row in connection.execute(text(f'SELECT * FROM "{table}"')))


def run_job(session) -> list[str]:
    return run_due(lambda: session, BRUSSELS, ["evaluation.yearly"])


def conversations(session) -> dict[str, int]:
    session.expire_all()
    rows = session.execute(select(Confidant.email, WorkingConversation.year).join(
        WorkingConversation, WorkingConversation.confidant_id == Confidant.id)).all()
    return {email: year for email, year in rows}


def test_r18_three_years_without_dossiers_start_exactly_one_conversation(session, clock):
    """Sofie (OMG, appointed March 2023) and Els (AWV, November 2022) registered nothing in 2024-2026: the job of 15
    January 2027 starts one conversation each; Koen (September 2025) and Tom (January 2025, two years in the role)
    none. The next day's run, and a regeneration, start nothing more."""
    clock.move_to(datetime(2027, 1, 14, 12, 0, tzinfo=timezone.utc))
    assert run_job(session) == ["evaluation.yearly"] and conversations(session) == {}  # not before 15 January
    clock.move_to(JOB_DAY_2027)
    assert run_job(session) == ["evaluation.yearly"]
    assert conversations(session) == {OMG_CONFIDANT: 2026, AWV_CONFIDANT: 2026}
    assert session.scalar(select(func.count(Evaluation.id)).where(Evaluation.year == 2026)) == 2
    tasks = session.execute(select(Task.lane, Task.entity_id).where(Task.spec_name == "hold_conversation",
                                                                     Task.state == TaskState.READY)).all()
    assert sorted(tasks) == sorted([("papsy", entity(session, "OMG").id), ("papsy", entity(session, "AWV").id)])
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "working_conversation")).all()
    assert sorted(mail.to_address for mail in mails) == sorted([OMG_CONFIDANT, AWV_CONFIDANT])
    assert all("dossier" not in mail.subject.lower() and not any(ch.isdigit() for ch in mail.body.split("2026")[0])
               for mail in mails)

    clock.move_to(datetime(2027, 1, 16, 6, 0, tzinfo=timezone.utc))
    run_job(session)
    services.regenerate(session, user(session, ADMIN), entity(session, "OMG").id, 2026)
    session.commit()
    assert conversations(session) == {OMG_CONFIDANT: 2026, AWV_CONFIDANT: 2026}
    assert session.scalar(select(func.count(PeriodicRun.job)).where(PeriodicRun.job == "evaluation.yearly")) == 3


def test_r18_two_empty_years_or_two_years_in_the_role_start_none(session, clock):
    """On 15 January 2026 Sofie has two whole empty years (2024, 2025): no conversation; Tom, appointed January 2025,
    not even that. A dossier of 2025 keeps Sofie from one in 2027 too."""
    clock.move_to(datetime(2026, 1, 15, 6, 0, tzinfo=timezone.utc))
    run_job(session)
    assert conversations(session) == {AWV_CONFIDANT: 2025}  # Els: 2023, 2024, 2025 in the role without a dossier
    dossier(session, OMG_CONFIDANT, date(2025, 6, 3))
    clock.move_to(JOB_DAY_2027)
    run_job(session)
    assert OMG_CONFIDANT not in conversations(session) and KOEN not in conversations(session)
    assert TOM not in conversations(session)


def test_r18_regeneration_replaces_the_facts(session, clock):
    """The facts: training, intervision "not recorded", the R8 sharing and the R21 contacts, the entity's dossiers
    suppressed below K; no count of dossiers per confidant. A regeneration after more dossiers shows the new count."""
    clock.move_to(JOB_DAY_2027)
    omg, sofie = entity(session, "OMG"), confidant(session, OMG_CONFIDANT)
    session.add_all([PapsyContact(confidant_id=sofie.id, entity_id=omg.id, held_on=date(2026, 5, 4), kind="phone"),
                     PapsyContact(confidant_id=sofie.id, entity_id=omg.id, held_on=date(2025, 5, 4), kind="phone"),
                     IncidentSharing(confidant_id=sofie.id, entity_id=omg.id, year=2026, due_on=date(2026, 12, 31),
                                     state=SharingState.ACKNOWLEDGED)])
    first = services.generate(session, omg, 2026)
    session.commit()
    rows = {row["name"]: row for row in first.facts["confidants"]}
    assert rows["Sofie Claes"]["training"] == facts.IN_TIME and rows["Koen Maes"]["training"] == facts.NOT_YET_DUE
    assert rows["Sofie Claes"]["half_days"] is None and first.facts["dossiers"] == {"value": None, "suppressed": True}
    assert (rows["Sofie Claes"]["contacts"], rows["Sofie Claes"]["sharing"]) == (1, "acknowledged")
    assert (rows["Koen Maes"]["contacts"], rows["Koen Maes"]["sharing"]) == (0, None)
    assert all(set(row) & {"dossiers", "dossier_count"} == set() for row in first.facts["confidants"])
    for day in range(1, 6):
        dossier(session, KOEN, date(2026, 3, day))
    admin = user(session, ADMIN)
    again = services.regenerate(session, admin, omg.id, 2026)
    session.commit()
    assert again.id == first.id and again.facts["dossiers"] == {"value": 5, "suppressed": False}
    assert again.generated_by_id == admin.id
    assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == \
        f"regenerate_evaluation {first.id}"


def test_r18_the_conversation_is_recorded_with_sealed_notes_and_reminded_when_late(session, clock):
    """The PAPSY records date, outcome and notes: the notes are sealed for the PAPSY and the confidant (never in the
    task or workflow data); an open conversation is reminded to the PAPSY after three months."""
    clock.move_to(JOB_DAY_2027)
    keys = {email: user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
            for email in (OMG_PAPSY, OMG_CONFIDANT)}
    services.generate(session, entity(session, "OMG"), 2026)
    session.commit()
    task_id = ready_task(session, "hold_conversation").id
    fire_due(session, clock, datetime(2027, 4, 16, 9, 0, tzinfo=timezone.utc))
    reminders = session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "reminder")).all()
    assert reminders == [OMG_PAPSY]
    workflow.complete_task(session, user(session, OMG_PAPSY), task_id,
                           {"held_on": "2027-04-10", "outcome": "considers_stopping", "notes": NOTES})
    session.commit()
    session.expire_all()
    papsy, sofie = user(session, OMG_PAPSY), user(session, OMG_CONFIDANT)
    held = session.scalar(select(WorkingConversation))
    assert (held.held_on, held.outcome, held.papsy_id) == (date(2027, 4, 10), "considers_stopping", papsy.id)
    instance = session.get(ProcessInstance, held.instance_id)
    assert "canary" not in instance.state_json
    assert b"canary-notes-7f3a" not in every_row(session), "the notes are nowhere in clear: tasks, outbox, audit, ..."
    assert sealed_texts.open_text(session, held.notes_id, "papsy", papsy.id, keys[OMG_PAPSY]) == NOTES
    assert sealed_texts.open_text(session, held.notes_id, "owner", sofie.id, keys[OMG_CONFIDANT]) == NOTES
    view = conversation.view_for(session, sofie, held.id, keys[OMG_CONFIDANT])
    assert view.notes == NOTES and conversation.view_for(session, user(session, ADMIN), held.id, None) is None
    assert session.scalar(select(Task.state).where(Task.id == task_id)) == TaskState.COMPLETED


def test_r18_the_command_generates_one_entity_or_refuses_an_unknown_code(run, session):  # noqa: F811
    result = run("evaluation", "generate", "--year", "2025", "--entity", "OMG")
    assert result.exit_code == 0 and "evaluation 2025: 1 entity generated" in result.output, result.output
    refused = run("evaluation", "generate", "--year", "2025", "--entity", "NOPE")
    assert refused.exit_code != 0 and "Er is geen entiteit met deze code." in refused.output
    session.expire_all()
    assert session.scalars(select(Evaluation.year)).all() == [2025]


def test_r18_the_evaluation_shows_an_entitys_dossiers_as_the_reports_do_never_a_count_they_hid(session, clock):
    """OMG has 10 dossiers in 2025 and AWV 3: the reports hide AWV's 3 (below K) and then OMG's 10 as well, since the
    network's 13 minus OMG's 10 would give AWV's 3 away. An evaluation that showed OMG's 10 would undo that."""
    clock.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    for day in range(1, 11):
        dossier(session, OMG_CONFIDANT, date(2025, 2, day))
    for day in range(1, 4):
        dossier(session, AWV_CONFIDANT, date(2025, 3, day))
    reports.clear_cache()
    result = reports.year_result(session, 2025, 5, date(2026, 3, 2))
    assert result.dossiers(reports.YEAR, "OMG").suppressed and result.dossiers(reports.YEAR).value == 13

    shown = facts.build(session, entity(session, "OMG"), 2025)["dossiers"]

    assert shown == {"value": None, "suppressed": True}


def test_r18_years_before_a_confidant_was_on_the_platform_call_for_no_conversation(session, clock):
    """A platform Els (AWV, appointed 2022) came onto in December 2025: she registered nothing here in 2023-2025
    because she kept her dossiers elsewhere, so the job of 15 January 2026 calls her to no conversation. Three empty
    years on the platform (2026-2028) do."""
    session.execute(update(Confidant).where(Confidant.email == AWV_CONFIDANT).values(
        created_at=datetime(2025, 12, 20, tzinfo=timezone.utc)))
    session.commit()
    clock.move_to(datetime(2026, 1, 15, 6, 0, tzinfo=timezone.utc))
    run_job(session)
    assert AWV_CONFIDANT not in conversations(session)
    clock.move_to(datetime(2029, 1, 15, 6, 0, tzinfo=timezone.utc))
    run_job(session)
    assert conversations(session)[AWV_CONFIDANT] == 2028
