"""Process model versions: deployed once, instances pinned to theirs, invalid models refused whole."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import model_texts
from app.config import PROJECT_ROOT
from app.engine.errors import ModelInvalid
from app.engine.registry import deploy, load_forms
from app.models import ProcessModelVersion, Task, TaskState
from app.workflow import services
from tests.helpers import OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, user

SOURCE = (PROJECT_ROOT / "bpmn" / "appointment.bpmn").read_text()
FORMS = load_forms(PROJECT_ROOT / "forms")


def start(session):
    instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                                      appointment_data())
    session.commit()
    return instance


def ready_titles(session, instance) -> list[str]:
    return list(session.scalars(select(Task.title).where(Task.instance_id == instance.id,
                                                         Task.state == TaskState.READY)))


def test_deploying_unchanged_sources_keeps_the_version(session):
    again = deploy(session, "appointment", {"appointment.bpmn": SOURCE}, FORMS)
    assert again.version == 1
    assert session.scalar(select(func.count()).select_from(ProcessModelVersion).where(ProcessModelVersion.model_key == "appointment")) == 1


def test_running_instances_stay_on_their_version(session):
    old = start(session)
    changed = SOURCE.replace('name="Aanstelling nakijken"', 'name="Aanstelling controleren"')
    v2 = deploy(session, "appointment", {"appointment.bpmn": changed}, FORMS)
    session.commit()
    assert v2.version == 2 and v2.model.current_version_id == v2.id

    new = start(session)
    assert old.model_version.version == 1 and new.model_version.version == 2
    assert ready_titles(session, old) == ["Aanstelling nakijken"]
    assert ready_titles(session, new) == ["Aanstelling controleren"]
    task = session.scalar(select(Task).where(Task.instance_id == old.id, Task.state == TaskState.READY))
    services.complete_task(session, user(session, OMG_PAPSY), task.id, {"decision": "approve"})
    session.commit()
    session.refresh(old)
    assert old.status == "completed" and old.model_version.version == 1


@pytest.mark.parametrize("change, problem", [
    (('name="papsy"', 'name="wizard"'), "geen gekende rol"),
    (('value="appointment_review.schema.json"', 'value="missing.schema.json"'), "bestaat niet"),
    (('decision == "approve"', '__import__("os").system("id")'), "Goedgekeurd?: Line 1: calling __import__() is not allowed"),
    (('id="roster.activate"', 'id="roster.nope"'), "onbekende service"),
    (('<bpmn:userTask id="review_appointment"', '<bpmn:userTask id="review_appointment"><broken'), "kan niet gelezen"),
])
def test_an_invalid_model_is_refused_with_its_reason_and_nothing_is_stored(session, change, problem):
    with pytest.raises(ModelInvalid) as refused:
        deploy(session, "appointment", {"appointment.bpmn": SOURCE.replace(*change)}, FORMS)
    session.rollback()
    assert any(problem in reason for reason in refused.value.problems), refused.value.problems
    assert session.scalar(select(func.count()).select_from(ProcessModelVersion).where(ProcessModelVersion.model_key == "appointment")) == 1


def english(version) -> dict:
    return (version.translations or {}).get("en", {})


def test_a_running_instance_keeps_the_texts_its_version_was_deployed_with(session):
    v1 = deploy(session, "appointment", {"appointment.bpmn": SOURCE}, FORMS,
                translations={"en": {"Aanstelling nakijken": "Review (first wording)"}})
    old = start(session)
    v2 = deploy(session, "appointment", {"appointment.bpmn": SOURCE}, FORMS,
                translations={"en": {"Aanstelling nakijken": "Review (second wording)"}})
    session.commit()
    assert (v1.version, v2.version) == (2, 3), "a new translation is a new version"
    new = start(session)
    old_task, new_task = session.scalars(select(Task).where(
        Task.instance_id.in_([old.id, new.id]), Task.state == TaskState.READY).order_by(Task.instance_id))
    assert model_texts.task_title(old_task, "en") == "Review (first wording)"
    assert model_texts.task_title(new_task, "en") == "Review (second wording)"
    assert services.form_of(old.model_version, "appointment_review", "en").title == "Review (first wording)"
    assert model_texts.task_title(old_task, "nl") == "Aanstelling nakijken"


def test_a_version_stores_the_translations_of_its_own_texts_only(session):
    version = deploy(session, "appointment", {"appointment.bpmn": SOURCE}, FORMS,
                     translations={"en": {"Aanstelling nakijken": "Review", "Delicate zaak": "Delicate case"},
                                   "nl": {"Aanstelling nakijken": "Aanstelling nakijken"}})
    assert version.translations == {"en": {"Aanstelling nakijken": "Review"}}


def test_a_deploy_without_translations_keeps_those_of_the_texts_that_stay(session):
    imported = session.get(ProcessModelVersion, session.scalar(
        select(ProcessModelVersion.id).where(ProcessModelVersion.model_key == "appointment")))
    assert english(imported)["Aanstelling nakijken"] == "Review the appointment", "init deploys the catalogs"
    changed = SOURCE.replace('name="Aanstelling nakijken"', 'name="Aanstelling controleren"')
    v2 = deploy(session, "appointment", {"appointment.bpmn": changed}, FORMS)
    assert v2.version == 2
    assert english(v2)["Aanstelling indienen"] == "Submit the appointment"
    assert "Aanstelling controleren" not in english(v2), "a new text stays Dutch until it is translated"


def test_a_translation_that_drops_the_instructions_jinja_is_refused_and_nothing_is_stored(session):
    instructions = "De PAPSY stuurde de aanstelling terug: {{ send_back_reason }}"
    with pytest.raises(ModelInvalid) as refused:
        deploy(session, "appointment", {"appointment.bpmn": SOURCE}, FORMS,
               translations={"en": {instructions: "The PAPSY sent it back."}})
    session.rollback()
    assert any("vertaling (en)" in problem and "{{send_back_reason}}" in problem for problem in refused.value.problems)
    assert session.scalar(select(func.count()).select_from(ProcessModelVersion)
                          .where(ProcessModelVersion.model_key == "appointment")) == 1


def test_a_version_deployed_before_the_models_were_translated_borrows_the_current_translations(session):
    legacy = deploy(session, "appointment", {"appointment.bpmn": SOURCE}, FORMS, translations={})
    assert legacy.version == 2 and legacy.translations is None, "as every version deployed before e1f8a000000a"
    old = start(session)
    deploy(session, "appointment", {"appointment.bpmn": SOURCE}, FORMS,
           translations={"en": {"Aanstelling nakijken": "Review (current wording)"}})
    session.commit()
    task = session.scalar(select(Task).where(Task.instance_id == old.id, Task.state == TaskState.READY))
    assert task.instance.model_version.version == 2
    assert model_texts.task_title(task, "en") == "Review (current wording)"
