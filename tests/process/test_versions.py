"""Process model versions: deployed once, instances pinned to theirs, invalid models refused whole."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

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
