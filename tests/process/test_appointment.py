"""Scenarios of bpmn/appointment.bpmn through the workflow services (R10, R14, R15)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.auth.accounts import AccountError, ensure_user
from app.engine.errors import InvalidData, NotAllowed, TaskNotReady
from app.engine.runner import load as load_workflow
from app.engine.serialization import dump_state
from app.engine.services import ServiceContext
from app.models import (Confidant, ConfidantStatus, HistoryEvent, InstanceStatus, ProcessInstance, Role, Task,
                        TaskState)
from app.roster.services import activate_confidant
from app.workflow import instances, services
from tests.helpers import (ADMIN, AWV_CONFIDANT, AWV_PAPSY, ELIGIBILITY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY,
                           appointment_data, entity, user)

CANDIDATE = "jana.vermeulen@omgeving.vlaanderen.example"


def start(session, **overrides):
    instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                                      appointment_data(**overrides))
    session.commit()
    return instance


def ready_task(session, instance, spec_name):
    return session.scalar(select(Task).where(Task.instance_id == instance.id, Task.state == TaskState.READY,
                                             Task.spec_name == spec_name))


def review(session, instance, decision, reason=None, reviewer=OMG_PAPSY):
    task = ready_task(session, instance, "review_appointment")
    data = {"decision": decision, **({"send_back_reason": reason} if reason else {})}
    result = services.complete_task(session, user(session, reviewer), task.id, data)
    session.commit()
    return result


def test_r10_happy_path_puts_the_candidate_on_the_roster(session):
    instance = start(session)
    review_task = ready_task(session, instance, "review_appointment")
    assert review_task.lane == "papsy" and review_task.entity.code == "OMG"
    assert instance.subject == "Jana Vermeulen"

    review(session, instance, "approve")

    session.refresh(instance)
    assert instance.status == InstanceStatus.COMPLETED
    confidant = session.scalar(select(Confidant).where(Confidant.email == "jana.vermeulen@omgeving.vlaanderen.example"))
    assert confidant.status == ConfidantStatus.ACTIVE
    assert confidant.appointed_on == date(2026, 10, 15)
    assert confidant.entity.code == "OMG" and confidant.eoc_reference == "EOC/2026/17"
    assert confidant.user.has_role(Role.CONFIDANT) and confidant.user.entity.code == "OMG"
    steps = [(e.kind, e.step) for e in instances.history(session, instance)]
    assert steps == [("started", "Aanstelling vertrouwenspersoon"), ("task_completed", "Aanstelling indienen"),
                     ("task_completed", "Aanstelling nakijken"),
                     ("automatic", "Op de lijst van vertrouwenspersonen zetten"),
                     ("automatic", "Termijn basisopleiding starten"), ("automatic", "Intervisiejaar starten"),
                     ("automatic", "Delen van herhaalde incidenten starten"), ("completed", None)]
    training = session.scalar(select(Task).where(Task.spec_name == "upload_certificate"))
    assert training.assignee_id == confidant.user_id and training.lane == "confidant"
    assert training.due_at.date() == date(2028, 10, 15)  # R11: two years after the EOC decision (end of that day)


def test_r10_send_back_returns_to_the_secretary_who_corrects_and_resubmits(session):
    instance = start(session, candidate_name="Jana Vermeulenn")
    review(session, instance, "send_back", reason="Naam verkeerd gespeld")

    correction = ready_task(session, instance, "correct_appointment")
    assert correction.lane == "eoc_secretary"
    data = services.task_data(session, correction)
    assert data["send_back_reason"] == "Naam verkeerd gespeld" and data["candidate_name"] == "Jana Vermeulenn"
    services.complete_task(session, user(session, OMG_SECRETARY), correction.id,
                           appointment_data(candidate_name="Jana Vermeulen"))
    session.commit()
    assert ready_task(session, instance, "review_appointment") is not None
    review(session, instance, "approve")

    names = session.scalars(select(Confidant.name).where(Confidant.email.like("jana.vermeulen%"))).all()
    assert names == ["Jana Vermeulen"]


def test_r10_send_back_needs_a_reason(session):
    instance = start(session)
    with pytest.raises(InvalidData) as refused:
        review(session, instance, "send_back")
    assert "send_back_reason" in refused.value.errors


@pytest.mark.parametrize("missing", ELIGIBILITY)
def test_r10_eligibility_refused_starts_nothing(session, missing):
    before = session.scalar(select(func.count()).select_from(ProcessInstance))
    with pytest.raises(InvalidData) as refused:
        start(session, **{missing: False})
    session.rollback()
    assert list(refused.value.errors) == [missing]
    assert "Welzijnswet" in refused.value.errors[missing]
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == before
    assert session.scalar(select(func.count()).select_from(Task)) == 0


def test_r10_secretary_of_another_entity_cannot_start(session):
    with pytest.raises(NotAllowed):
        services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "AWV"),
                               appointment_data())


def test_r10_papsy_of_another_entity_cannot_review(session):
    instance = start(session)
    with pytest.raises(NotAllowed):
        review(session, instance, "approve", reviewer=AWV_PAPSY)


def test_a_completed_task_cannot_be_completed_again(session):
    instance = start(session)
    task = ready_task(session, instance, "review_appointment")
    review(session, instance, "send_back", reason="Datum ontbreekt in het verslag")
    with pytest.raises(TaskNotReady):
        services.complete_task(session, user(session, OMG_PAPSY), task.id, {"decision": "approve"})


def test_state_survives_save_and_restore_mid_process(session):
    instance = start(session)
    workflow = load_workflow(instance)
    assert dump_state(load_workflow(instance)) == dump_state(workflow) == instance.state_json
    kinds = session.scalars(select(HistoryEvent.kind).order_by(HistoryEvent.id)).all()
    assert kinds == ["started", "task_completed"]


def test_the_papsy_of_the_entity_is_told_of_the_new_review_task(session, redis_client):
    from app.models import OutboxMessage
    from workers import reconciler
    from workers.jobs import notify_tasks

    start(session)
    reconciler.reconcile()
    assert redis_client.exists("rq:job:vertrouwd-test-notify-tasks"), "the reconciler asks a worker to announce new tasks"
    assert notify_tasks() == 1 and notify_tasks() == 0, "announced once"
    session.expire_all()
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "task_assigned")).all()
    assert [m.to_address for m in mails] == [OMG_PAPSY]
    assert "Aanstelling nakijken" in mails[0].subject + mails[0].body


# F9: separation of duties. An existing account is appointed only when it is (or was) a confidant of this entity
# and nothing else; every other existing account is refused with a reason, at the start and again at approval.
@pytest.mark.parametrize("email, reason", [
    (ADMIN, "beheerder van het platform"), (OMG_PAPSY, "bij geen entiteit hoort"),
    (AWV_CONFIDANT, "andere entiteit"), (OMG_SECRETARY, "andere rol in deze entiteit")],
    ids=["admin", "no entity", "other entity", "other role"])
def test_f9_an_account_that_may_not_be_appointed_is_refused_at_the_start(session, email, reason):
    roles_before = user(session, email).roles
    with pytest.raises(InvalidData) as refused:
        start(session, candidate_email=email)
    session.rollback()
    assert list(refused.value.errors) == ["candidate_email"] and reason in refused.value.errors["candidate_email"]
    assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    assert user(session, email).roles == roles_before


@pytest.mark.parametrize("roles, entity_code, reason", [
    ([Role.ADMIN], None, "beheerder van het platform"), ([Role.PAPSY], None, "bij geen entiteit hoort"),
    ([Role.CONFIDANT], "AWV", "andere entiteit")], ids=["admin", "no entity", "other entity"])
def test_f9_approval_checks_the_candidate_again_and_adds_no_role(session, roles, entity_code, reason):
    instance = start(session)
    other = entity(session, entity_code).id if entity_code else None
    ensure_user(session, CANDIDATE, "Jana Vermeulen", roles, entity_id=other)  # made meanwhile, e.g. by the CLI
    session.commit()
    with pytest.raises(InvalidData) as refused:
        review(session, instance, "approve")
    session.rollback()
    assert reason in refused.value.errors["decision"] and "Stuur ze terug" in refused.value.errors["decision"]
    with pytest.raises(InvalidData) as at_activation:  # and where the service task uses the account
        activate_confidant(ServiceContext(session, instance.id, instance.entity_id), {}, appointment_data())
    assert reason in at_activation.value.errors[""]
    session.rollback()
    assert user(session, CANDIDATE).roles == frozenset(roles)
    assert session.scalar(select(Confidant).where(Confidant.email == CANDIDATE)) is None
    assert ready_task(session, instance, "review_appointment") is not None, "the PAPSY can still send it back"


def test_f9_roles_are_never_added_to_an_existing_account_silently(session):
    with pytest.raises(AccountError, match="geen rollen toegevoegd"):
        ensure_user(session, ADMIN, "Anouk Beheer", [Role.CONFIDANT], entity_id=entity(session, "OMG").id)
    assert user(session, ADMIN).roles == {Role.ADMIN} and user(session, ADMIN).entity_id is None


def test_r10_a_former_confidant_of_the_entity_is_appointed_again(session):
    former = session.scalar(select(Confidant).where(Confidant.email == OMG_CONFIDANT))
    former.status = ConfidantStatus.FORMER
    session.commit()
    instance = start(session, candidate_email=OMG_CONFIDANT, candidate_name="Sofie Claes")
    review(session, instance, "approve")
    session.refresh(former)
    assert former.status == ConfidantStatus.ACTIVE and former.user.roles == {Role.CONFIDANT}
