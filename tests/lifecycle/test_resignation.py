"""Laying down the role (R19): the process from the start to the effective date, the hand-over with the requester's
recorded consent, the removal that needs the representatives' agreement, and the effective date's work (fired by
its timer, as the workers fire it)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import listing
from app.dossiers import services as dossiers
from app.dossiers.services import NotYours
from app.engine.errors import InvalidData, NotAllowed
from app.intervision import groups
from app.lifecycle import handover, resignation
from app.lifecycle.resignation_effective import make_effective
from app.models import (
    AuditEntry,
    Confidant,
    ConfidantStatus,
    DossierKey,
    GroupMembership,
    InstanceStatus,
    OutboxMessage,
    ProcessInstance,
    Role,
    SummaryKey,
    Task,
    TaskState,
)
from app.models.lifecycle import EndingState, RoleEnding
from app.training.services import start_training
from app.workflow import services as workflow
from tests.dossiers.test_dossier_rules import CANARY_NAME, CANARY_NOTE, facts
from tests.helpers import AWV_SECRETARY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, fire_due, login, ready_task, user

OMG_SECOND = "koen.maes@omgeving.vlaanderen.example"
EFFECTIVE = date(2026, 12, 20)
AFTER_EFFECTIVE = datetime(2026, 12, 19, 23, 5, tzinfo=UTC)  # 20 December 00:05 in Brussels


@pytest.fixture
def keys(session, time_machine):
    """1 December 2026; Sofie, Koen and Luc (the OMG PAPSY) with their key pairs; returns their private keys."""
    time_machine.move_to("2026-12-01 10:00")
    held = {email: user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
            for email in (OMG_CONFIDANT, OMG_SECOND, OMG_PAPSY)}
    session.commit()
    return held


def confidant_of(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.user_id == user(session, email).id))


def mails(session, kind: str) -> list[str]:
    return sorted(session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == kind)))


def test_r19_a_resignation_hands_over_closes_and_ends_the_role_on_the_effective_date(app, session, keys,
                                                                                     time_machine):
    sofie, koen, luc = (user(session, email) for email in (OMG_CONFIDANT, OMG_SECOND, OMG_PAPSY))
    to_koen, to_close, to_luc, left = (dossiers.register(session, sofie, facts()).id for _ in range(4))
    group = groups.create_group(session, luc, "Noord", luc)
    groups.add_member(session, group, confidant_of(session, OMG_CONFIDANT), luc)
    certificate = start_training(session, confidant_of(session, OMG_CONFIDANT)).id
    session.commit()
    with pytest.raises(InvalidData) as past:
        resignation.start_resignation(session, sofie, date(2026, 11, 30))
    assert "effective_on" in past.value.errors
    session.rollback()

    ending = resignation.start_resignation(session, sofie, EFFECTIVE)
    session.commit()
    ending_id, instance_id = ending.id, ending.instance_id
    ready = {task.spec_name: task for task in session.scalars(select(Task).where(
        Task.instance_id == instance_id, Task.state == TaskState.READY))}
    assert set(ready) == {"acknowledge", "note_committee", "settle_dossiers"}
    assert ready["settle_dossiers"].assignee_id == sofie.id and ready["acknowledge"].lane == "papsy"
    assert all(task.notified_at is not None for task in ready.values()), "one mail each, naming the task"
    assert mails(session, "role_ending_notice") == sorted([OMG_PAPSY, OMG_SECRETARY])
    with pytest.raises(InvalidData):
        resignation.start_resignation(session, sofie, EFFECTIVE)  # one at a time
    session.rollback()

    # The hand-over: refused without the requester's consent, then to Koen and to the PAPSY with it.
    with pytest.raises(InvalidData) as refused:
        handover.hand_over(session, sofie, keys[OMG_CONFIDANT], to_koen, koen.id, None, "phone")
    assert "consent_on" in refused.value.errors
    session.rollback()
    with pytest.raises(InvalidData) as nobody:
        handover.hand_over(session, sofie, keys[OMG_CONFIDANT], to_koen, user(session, AWV_SECRETARY).id,
                           date(2026, 11, 30), "phone")
    assert "receiver" in nobody.value.errors
    session.rollback()
    handover.hand_over(session, sofie, keys[OMG_CONFIDANT], to_koen, koen.id, date(2026, 11, 30), "phone")
    handover.hand_over(session, sofie, keys[OMG_CONFIDANT], to_luc, luc.id, date(2026, 12, 1), "in_person")
    dossiers.close(session, sofie, to_close, date(2026, 12, 1), "resolved")
    session.commit()
    assert mails(session, "dossier_handed_over") == sorted([OMG_SECOND, OMG_PAPSY])
    for receiver, dossier_id in ((koen, to_koen), (luc, to_luc)):
        view = dossiers.read(session, receiver, dossier_id, keys[receiver.email])
        assert (view.requester, [note.text for note in view.notes]) == (CANARY_NAME, [CANARY_NOTE])
    assert [row.id for row in listing.list_for(session, luc, listing.Filters())[0]] == [to_luc]
    session.commit()

    # The EOC's note; "done" is refused while a dossier is still open.
    workflow.complete_task(session, user(session, OMG_SECRETARY), ready["note_committee"].id,
                           {"committee_noted_on": "2026-12-01", "committee_reference": "EOC/2026/40"})
    session.commit()
    with pytest.raises(InvalidData) as still_open:
        workflow.complete_task(session, sofie, ready_task(session, "settle_dossiers").id, {"settled": True})
    assert "settled" in still_open.value.errors
    session.rollback()

    fire_due(session, time_machine, AFTER_EFFECTIVE)
    ending, entry = session.get(RoleEnding, ending_id), confidant_of(session, OMG_CONFIDANT)
    assert (ending.state, ending.committee_noted_on, ending.committee_reference) == \
        (EndingState.EFFECTIVE, date(2026, 12, 1), "EOC/2026/40")
    assert (entry.status, entry.ended_on) == (ConfidantStatus.FORMER, EFFECTIVE)
    sofie = user(session, OMG_CONFIDANT)
    assert not sofie.has_role(Role.CONFIDANT) and not sofie.active, "no role left: the account is deactivated"
    assert session.scalar(select(GroupMembership.left_on).where(GroupMembership.confidant_id == entry.id)) is not None
    assert session.scalar(select(func.count()).select_from(DossierKey).where(DossierKey.reader_id == sofie.id,
                                                                             DossierKey.reader != "recovery")) == 0
    assert session.scalar(select(func.count()).select_from(SummaryKey).where(SummaryKey.reader_id == sofie.id)) == 0
    assert session.scalar(select(func.count()).select_from(DossierKey).where(
        DossierKey.dossier_id.in_([to_close, left]), DossierKey.reader == "recovery")) == 2, "recovery still opens"
    dropped = session.scalars(select(AuditEntry.dossier_id).where(AuditEntry.action == "drop_keys")).all()
    assert sorted(dropped) == sorted([to_close, left])
    with pytest.raises(NotYours):
        dossiers.read(session, sofie, to_close, keys[OMG_CONFIDANT])
    moved = session.scalar(select(Task).where(Task.instance_id == certificate, Task.state == TaskState.READY))
    assert (moved.lane, moved.assignee_id) == ("papsy", None), "her open task is offered to the PAPSY"
    follow_up = ready_task(session, "follow_up")
    assert follow_up is not None and follow_up.instance_id == instance_id and follow_up.lane == "papsy"
    assert session.scalar(select(func.count()).select_from(Task).where(
        Task.instance_id == instance_id, Task.spec_name == "settle_dossiers", Task.state == TaskState.CANCELLED)) == 1
    assert dossiers.read(session, user(session, OMG_SECOND), to_koen, keys[OMG_SECOND]).requester == CANARY_NAME, "the receiver reads on"

    session.commit()
    papsy = app.test_client()  # the follow-up's page names the dossiers left open, by number only
    login(papsy, OMG_PAPSY)
    assert f"Nummers: {left}." in papsy.get(f"/tasks/{follow_up.id}").get_data(as_text=True)

    # Again: nothing changes.
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    assert make_effective(session, session.get(RoleEnding, ending_id)) == 1
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_r19_removal_needs_the_representatives_agreement(session, keys):
    """A removal by the EOC is against the confidant's will (one who agrees lays the role down): without the
    representatives' prior agreement, dated between the appointment and today, it is refused and kept as such."""
    secretary, sofie = user(session, OMG_SECRETARY), user(session, OMG_CONFIDANT)
    confidant_id = confidant_of(session, OMG_CONFIDANT).id
    with pytest.raises(NotAllowed):
        resignation.start_removal(session, user(session, AWV_SECRETARY), confidant_id, EFFECTIVE, date(2026, 11, 28))
    session.rollback()
    for agreed_on in (date(2026, 12, 2), date(2023, 3, 13)):  # tomorrow; the day before her appointment
        with pytest.raises(InvalidData) as wrong_date:
            resignation.start_removal(session, secretary, confidant_id, EFFECTIVE, agreed_on)
        assert "representatives_agreed_on" in wrong_date.value.errors
        session.rollback()

    refused = resignation.start_removal(session, secretary, confidant_id, EFFECTIVE, None)
    session.commit()
    assert (refused.state, refused.instance_id, refused.confidant_agrees) == (EndingState.REFUSED, None, False), \
        "kept as refused, nothing started"
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0

    removal = resignation.start_removal(session, secretary, confidant_id, EFFECTIVE, date(2026, 11, 28))
    session.commit()
    assert removal.state == EndingState.OPEN and removal.representatives_agreed_on == date(2026, 11, 28)
    assert removal.confidant_agrees is False
    assert mails(session, "role_ending_removal") == [OMG_CONFIDANT], "the confidant is informed"
    with pytest.raises(NotAllowed):
        resignation.withdraw(session, sofie, removal.id)  # a removal is the EOC's to withdraw
    session.rollback()

    resignation.withdraw(session, secretary, removal.id)
    session.commit()
    instance = session.get(ProcessInstance, removal.instance_id)
    assert (session.get(RoleEnding, removal.id).state, instance.status) == (EndingState.WITHDRAWN,
                                                                           InstanceStatus.CANCELLED)
    assert session.scalar(select(func.count()).select_from(Task).where(
        Task.instance_id == instance.id, Task.state == TaskState.READY)) == 0
    assert confidant_of(session, OMG_CONFIDANT).status == ConfidantStatus.ACTIVE
    assert mails(session, "role_ending_withdrawn") == sorted([OMG_PAPSY, OMG_CONFIDANT, OMG_SECRETARY])


def test_r19_without_open_dossiers_the_role_ends_at_the_date_with_no_task_left(session, keys, time_machine):
    """Nothing open: no task for the confidant and none for the PAPSY after the date; the process ends once the
    PAPSY and the secretary did theirs."""
    sofie = user(session, OMG_CONFIDANT)
    ending = resignation.start_resignation(session, sofie, EFFECTIVE)
    session.commit()
    instance_id = ending.instance_id
    assert ready_task(session, "settle_dossiers") is None
    workflow.complete_task(session, user(session, OMG_PAPSY), ready_task(session, "acknowledge").id,
                           {"acknowledged": True})
    session.commit()
    with pytest.raises(InvalidData):  # the EOC cannot have taken note in the future
        workflow.complete_task(session, user(session, OMG_SECRETARY), ready_task(session, "note_committee").id,
                               {"committee_noted_on": "2026-12-24", "committee_reference": "EOC/1"})
    session.rollback()
    workflow.complete_task(session, user(session, OMG_SECRETARY), ready_task(session, "note_committee").id,
                           {"committee_noted_on": "2026-12-01", "committee_reference": "EOC/1"})
    session.commit()
    fire_due(session, time_machine, AFTER_EFFECTIVE)
    assert session.get(ProcessInstance, instance_id).status == InstanceStatus.COMPLETED
    assert ready_task(session, "follow_up") is None



def test_r19_a_role_ending_from_today_ends_the_role_at_once(session, keys):
    """The pages offer today: the process's timer is due at its start, and the role ends in that same step (the
    ending is linked to its process before the first step). What is open goes to the PAPSY's follow-up; a removed
    confidant is told, though the removal closed their account."""
    today = date(2026, 12, 1)  # the keys fixture's day
    sofie = user(session, OMG_CONFIDANT)
    dossiers.register(session, sofie, facts())
    resigned = resignation.start_resignation(session, sofie, today)
    removed = resignation.start_removal(session, user(session, OMG_SECRETARY), confidant_of(session, OMG_SECOND).id,
                                        today, today)
    session.commit()
    for ending, email in ((resigned, OMG_CONFIDANT), (removed, OMG_SECOND)):
        assert ending.instance_id is not None and ending.state == EndingState.EFFECTIVE
        entry = confidant_of(session, email)
        assert (entry.status, entry.ended_on) == (ConfidantStatus.FORMER, today)
        assert not user(session, email).has_role(Role.CONFIDANT)
    follow_up = ready_task(session, "follow_up")
    assert follow_up is not None and follow_up.instance_id == resigned.instance_id, "her open dossier: the PAPSY's"
    assert session.scalar(select(func.count()).select_from(Task).where(
        Task.spec_name == "settle_dossiers", Task.state == TaskState.READY)) == 0
    assert mails(session, "role_ending_removal") == [OMG_SECOND], "the removed confidant is told"


def test_r19_a_dossier_left_open_is_handed_over_through_the_two_person_recovery(app, session, keys):
    """The PAPSY's follow-up: the recovery (a PAPSY asks, an admin approves with the key) hands a dossier its former
    keeper left open to the PAPSY, and from a PAPSY who holds it to a confidant; never back to its keeper, never
    to someone who may not hold it."""
    from app.dossiers import recovery_process
    from tests.helpers import ADMIN, entity

    sofie, luc = user(session, OMG_CONFIDANT), user(session, OMG_PAPSY)
    left = dossiers.register(session, sofie, facts()).id
    resignation.start_resignation(session, sofie, date(2026, 12, 1))  # today: the role ends at once
    session.commit()

    def recover(keeper: str, receiver: str) -> None:
        workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", entity(session, "OMG"), {
            "kind": "handover", "confidant_email": keeper, "new_confidant_email": receiver, "dossier_id": left,
            "consent_on": "2026-12-01"})
        recovery_process.decide(session, user(session, ADMIN), ready_task(session, "approve_recovery").id, True,
                                app.config["TEST_RECOVERY_KEY_FILE"].read_bytes())
        session.commit()

    def refused(keeper: str, receiver: str, field: str) -> None:
        with pytest.raises(InvalidData) as refusal:
            recover(keeper, receiver)
        assert field in refusal.value.errors, (keeper, receiver)
        session.rollback()

    refused(OMG_CONFIDANT, OMG_SECRETARY, "new_confidant_email")  # the employer holds no dossier
    refused(OMG_SECOND, OMG_PAPSY, "dossier_id")  # not the keeper of this one
    recover(OMG_CONFIDANT, OMG_PAPSY)  # from the former confidant to the PAPSY
    assert dossiers.read(session, luc, left, keys[OMG_PAPSY]).requester == CANARY_NAME
    refused(OMG_PAPSY, OMG_PAPSY, "new_confidant_email")  # never back to its keeper
    recover(OMG_PAPSY, OMG_SECOND)  # from the PAPSY who holds it to a confidant
    assert dossiers.read(session, user(session, OMG_SECOND), left, keys[OMG_SECOND]).requester == CANARY_NAME
    with pytest.raises(NotYours):
        dossiers.read(session, user(session, OMG_PAPSY), left, keys[OMG_PAPSY])


def test_r2_only_the_papsy_sees_how_many_dossiers_a_leaving_confidant_has_open(session, keys):
    """A count per named person is a small cell (R7): the entity's PAPSY follows it up, the employer and the admins
    do not see it."""
    from tests.helpers import ADMIN

    sofie = user(session, OMG_CONFIDANT)
    dossiers.register(session, sofie, facts())
    resignation.start_resignation(session, sofie, EFFECTIVE)
    session.commit()
    counts = {email: [row.open_dossiers for row in resignation.endings_for(session, user(session, email))[0]]
              for email in (OMG_PAPSY, OMG_SECRETARY, ADMIN)}
    assert counts == {OMG_PAPSY: [1], OMG_SECRETARY: [None], ADMIN: [None]}
