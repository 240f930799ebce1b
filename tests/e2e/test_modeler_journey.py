"""The admin's modeler, end to end in Chromium (issue 10): the admin opens the appointment model, renames a step in
the properties panel, changes a form's label in the form editor (the preview follows), runs the checks and the
model's scenarios, deploys with a comment; then a new appointment starts on version 2 while one started before finishes on version 1."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import db
from app.models import ProcessInstance, ProcessModelVersion, Task, TaskState
from app.workflow import services
from tests.helpers import ADMIN, OMG_PAPSY, OMG_SECRETARY, appointment_data, entity, user

pytestmark = pytest.mark.browser


def start_appointment(candidate: str) -> int:
    session = db.session()
    try:
        instance = services.start_process(session, user(session, OMG_SECRETARY), "appointment", entity(session, "OMG"),
                                          appointment_data(candidate_name=candidate))
        session.commit()
        return instance.id
    finally:
        db.session.remove()


def test_admin_edits_checks_and_deploys_while_a_running_appointment_stays_on_version_1(
        page: Page, live_server, log_in, screenshot):
    before = start_appointment("Voor de wijziging")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(ADMIN)
    page.goto(f"{live_server}/admin/models/appointment")
    page.get_by_role("link", name="Bewerken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bewerken: Aanstelling vertrouwenspersoon")

    # The step "Aanstelling nakijken" is renamed in bpmn-js's properties panel; our panel shows its form.
    page.locator('[data-element-id="review_appointment"]').first.click()
    expect(page.get_by_label("Formulier", exact=True)).to_have_value("appointment_review")
    # bpmn-js's own texts speak Dutch too: its palette and the standard properties.
    expect(page.get_by_role("button", name="Startgebeurtenis maken")).to_be_visible()
    page.locator(".bio-properties-panel-group-header", has_text="Algemeen").click()
    page.locator("#bio-properties-panel-name").fill("Aanstelling controleren")
    expect(page.locator('[data-element-id="review_appointment"]').first).to_contain_text("Aanstelling controleren")
    screenshot("modeler")

    # The review form's label "Beslissing" becomes "Uw beslissing"; the preview (our renderer) follows.
    page.get_by_role("tab", name="Formulieren").click()
    page.get_by_role("button", name="appointment_review").click()
    schema = page.get_by_label("JSON Schema")
    schema.fill(schema.input_value().replace('"Beslissing"', '"Uw beslissing"'))
    expect(page.locator("#form-editor-preview legend")).to_contain_text("Uw beslissing")
    screenshot("form-editor")

    # The checks run on the saved draft and find nothing that blocks.
    page.get_by_role("button", name="Controleren", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("De controle vond geen fouten.")
    # The model's scenarios ran on the draft (the renamed step changes no path) and each says it passed.
    expect(page.locator(".modeler-results__passed")).to_have_text(["approved: geslaagd",
                                                                   "sent_back_for_correction: geslaagd"])
    screenshot("check")
    page.set_viewport_size({"width": 390, "height": 800})  # a phone: said to be awkward, yet it works
    expect(page.get_by_text("Op een klein scherm is een diagram moeilijk te tekenen.")).to_be_visible()
    screenshot("check-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Deploying asks for a comment and a confirmation, then the model's page shows version 2.
    page.get_by_role("button", name="Controleren en in gebruik nemen").click()
    expect(page.get_by_label("Waarom deze versie?")).to_be_focused()
    page.get_by_label("Waarom deze versie?").fill("Nakijken heet nu controleren")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Controleren en in gebruik nemen").click()
    expect(page.get_by_text("Versie 2 is in gebruik.")).to_be_visible()
    expect(page.get_by_role("cell", name="Nakijken heet nu controleren")).to_be_visible()

    after = start_appointment("Na de wijziging")
    session = db.session()
    try:
        version_of = {instance.id: instance.model_version.version
                      for instance in session.scalars(select(ProcessInstance))}
        assert (version_of[before], version_of[after]) == (1, 2)
        newest = session.scalar(select(ProcessModelVersion).where(ProcessModelVersion.version == 2))
        review_form = newest.forms["appointment_review"]["schema"]
        assert (review_form["properties"]["decision"]["title"], newest.comment) == \
            ("Uw beslissing", "Nakijken heet nu controleren")
        open_steps = select(Task.instance_id, Task.title).where(Task.instance_id.in_([before, after]),
                                                                Task.state == TaskState.READY)
        steps = dict(session.execute(open_steps).all())
        assert steps == {before: "Aanstelling nakijken", after: "Aanstelling controleren"}
        old_review = session.scalar(select(Task.id).where(Task.instance_id == before, Task.state == TaskState.READY))
        services.complete_task(session, user(session, OMG_PAPSY), old_review, {"decision": "approve"})
        session.commit()
        finished = session.get(ProcessInstance, before)
        assert (finished.status, finished.model_version.version) == ("completed", 1)
    finally:
        db.session.remove()
