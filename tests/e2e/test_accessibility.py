"""WCAG 2.x A and AA checks (axe-core) of the pages people use (the appointment journey, the inbox, the instance and
dossier pages, the admin's pages), in the state a person sees them, on a phone (390 px: no sideways scroll either)
and a laptop (1280 px).

axe-core comes from npm (package.json at the repo root; run `npm install`). Without it these tests are skipped
with a message, except in CI, where they fail. The app's Content-Security-Policy allows no inline script, so
the browser context of these tests bypasses CSP to inject axe (the journey test runs with CSP on).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.demo import DEMO_PASSWORD
from tests.e2e.test_appointment_journey import UNION, fill_candidate, open_start_form
from tests.e2e.test_inbox_journey import arrange_tasks, late_row
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY
from tests.e2e.calendar_pages import account_calendar_feed, calendar_bad_month, calendar_month
from tests.e2e.instance_admin_pages import (
    admin_instance_diagram,
    admin_instance_migrate,
    admin_migration_new_errors,
    admin_migration_report,
)
from tests.e2e.intervision_compliance_pages import compliance_bad_year, compliance_view, confidant_home_intervision
from tests.e2e.room_pages import room_request_refused, room_requests, room_week
from tests.e2e.roster_list_pages import full_list, own_details_refused, published_list
from tests.e2e.retention_pages import retention_hold_refused, retention_overview, shredded_dossier
from tests.e2e.resignation_pages import (
    removal_refused,
    resignation_dossiers_refused,
    resignation_running,
    resignation_start_errors,
    role_endings,
)

pytestmark = pytest.mark.browser

RUN_AXE = """() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']})
  .then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))})))"""


@pytest.fixture
def context_options() -> dict:
    return {"locale": "nl-BE", "bypass_csp": True}


def audit(page: Page, axe_script: Path) -> list[dict]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=axe_script)
    return page.evaluate(RUN_AXE)


def report(name: str, url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} WCAG A/AA violation(s) on '{name}' ({url}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} [{violation['impact']}] {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}")
            lines.extend(f"      {line}" for line in (node["summary"] or "").splitlines())
    return "\n".join(lines)


# Each page is reached the way a person reaches it, from a fresh app.

def login_page(page: Page, base: str, log_in) -> None:
    page.goto(f"{base}/login")
    expect(page.get_by_role("heading", level=1, name="Aanmelden")).to_be_visible()


def login_failed(page: Page, base: str, log_in) -> None:
    login_page(page, base, log_in)
    page.get_by_label("E-mailadres").fill(OMG_SECRETARY)
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("niet juist")


def secretary_inbox(page: Page, base: str, log_in) -> None:
    log_in(OMG_SECRETARY)


def start_form(page: Page, base: str, log_in) -> None:
    secretary_inbox(page, base, log_in)
    open_start_form(page)


def start_form_with_errors(page: Page, base: str, log_in) -> None:
    """The server's errors: no name, no choice in the committee, one confirmation unticked."""
    start_form(page, base, log_in)
    fill_candidate(page, leave_unticked=UNION, leave_empty="Naam van de kandidaat", choose_agreement=False)
    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_role("alert")).to_contain_text("Er is een probleem")


def instance_page(page: Page, base: str, log_in) -> None:
    start_form(page, base, log_in)
    fill_candidate(page)
    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_text("Aanstelling nakijken: wacht op PAPSY")).to_be_visible()


def instance_list(page: Page, base: str, log_in) -> None:
    """The secretary's "Processen", searched for the subject of the appointment she just started."""
    instance_page(page, base, log_in)
    page.get_by_role("link", name="Processen", exact=True).click()
    page.get_by_label("Zoek in het onderwerp").fill("Jana")
    page.get_by_role("button", name="Filteren").click()
    expect(page.get_by_role("link", name="Aanstelling vertrouwenspersoon")).to_be_visible()


def instance_list_with_errors(page: Page, base: str, log_in) -> None:
    """A bookmarked filter that no longer works: a day that does not exist, a page 0."""
    instance_list(page, base, log_in)
    page.goto(f"{base}/instances?started_from=2026-02-30&page=0")
    expect(page.get_by_text("Deze filters kunnen niet gebruikt worden")).to_be_visible()


def papsy_inbox(page: Page, base: str, log_in) -> None:
    instance_page(page, base, log_in)
    page.get_by_role("button", name="Afmelden").click()
    log_in(OMG_PAPSY)
    expect(page.get_by_role("link", name="Aanstelling nakijken")).to_be_visible()


def review_task(page: Page, base: str, log_in) -> None:
    papsy_inbox(page, base, log_in)
    page.get_by_role("link", name="Aanstelling nakijken").click()
    expect(page.get_by_role("heading", level=1, name="Aanstelling nakijken")).to_be_visible()


def review_task_with_errors(page: Page, base: str, log_in) -> None:
    """Sending back without a reason: a server-side error a person really gets."""
    review_task(page, base, log_in)
    page.get_by_label("Terugsturen naar de EOC-secretaris").check()
    page.get_by_role("button", name="Taak afwerken").click()
    expect(page.get_by_role("alert")).to_contain_text("Reden van terugsturen")


def roster_page(page: Page, base: str, log_in) -> None:
    review_task(page, base, log_in)
    page.get_by_label(re.compile("^Goedkeuren")).check()
    page.get_by_role("button", name="Taak afwerken").click()
    page.get_by_role("link", name="Netwerk").click()
    expect(page.get_by_role("cell", name="Jana Vermeulen", exact=True)).to_be_visible()


def totp_enrolment(page: Page, base: str, log_in) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-mailadres").fill(OMG_CONFIDANT)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", level=1, name="Tweede stap instellen")).to_be_visible()


def dossier_list(page: Page, base: str, log_in) -> None:
    log_in(OMG_CONFIDANT)
    page.get_by_role("link", name="Mijn dossiers").click()
    expect(page.get_by_role("heading", level=1, name="Mijn dossiers")).to_be_visible()


def dossier_form_with_errors(page: Page, base: str, log_in) -> None:
    """R4 refused: a conciliation without consent, and no theme chosen."""
    dossier_list(page, base, log_in)
    page.get_by_role("link", name="Nieuw verzoek registreren").click()
    page.get_by_label("Verzoening", exact=True).check()
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("alert")).to_contain_text("Er is een probleem")


def delicate_dossier(page: Page, base: str, log_in) -> None:
    dossier_list(page, base, log_in)
    page.get_by_role("link", name="Nieuw verzoek registreren").click()
    page.get_by_label("Geopend op").fill("2026-11-02")
    page.get_by_label("Ongewenst seksueel gedrag").check()
    page.get_by_label("Een groep").check()
    page.get_by_label("Luisteren en advies").check()
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_label("Samenvatting voor de PAPSY")).to_be_visible()


def take_up_task(page: Page, base: str, log_in) -> None:
    """The PAPSY's "Delicate zaak opnemen": whom to consult, the summary, the consultation form."""
    delicate_dossier(page, base, log_in)
    page.get_by_label("Samenvatting voor de PAPSY").fill("Verzoekster meldt ongewenst gedrag van een groep collega's.")
    page.get_by_role("button", name="Samenvatting versturen").click()
    page.get_by_role("button", name="Afmelden").click()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Delicate zaak opnemen").click()
    expect(page.get_by_role("heading", level=2, name="Overleg met de vertrouwenspersoon")).to_be_visible()


def take_up_task_with_errors(page: Page, base: str, log_in) -> None:
    """A consultation dated in the future, refused by the server."""
    take_up_task(page, base, log_in)
    page.get_by_label("Datum van het overleg met de vertrouwenspersoon").fill("2999-01-01")
    page.get_by_label("De formele procedure voorstellen aan de verzoeker").check()
    page.get_by_role("button", name="Taak afwerken").click()
    expect(page.get_by_role("alert")).to_contain_text("in de toekomst")


def dossier_list_with_filter_errors(page: Page, base: str, log_in) -> None:
    dossier_list(page, base, log_in)
    page.goto(f"{base}/dossiers?status=half")
    expect(page.get_by_role("alert")).to_contain_text("Niet elke filter")


def admin_user_page_with_errors(page: Page, base: str, log_in) -> None:
    """An admin's user page after a second-factor reset without the identity confirmed."""
    log_in(ADMIN)
    page.get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Sofie Claes").click()
    expect(page.get_by_role("heading", level=2, name="Nieuw wachtwoord instellen")).to_be_visible()
    page.get_by_role("button", name="Tweede factor opnieuw instellen").click()
    expect(page.get_by_role("alert")).to_contain_text("identiteit")


def admin_new_user_with_errors(page: Page, base: str, log_in) -> None:
    """The admin's "Nieuwe gebruiker" page, refusing an e-mail address that has an account."""
    log_in(ADMIN)
    page.get_by_role("link", name="Beheer").click()
    page.get_by_role("link", name="Nieuwe gebruiker").click()
    page.get_by_label("Naam").fill("Sofie Claes")
    page.get_by_label("E-mailadres").fill("sofie.claes@omgeving.vlaanderen.example")
    page.get_by_label("Entiteit").select_option("OMG")
    page.get_by_role("button", name="Gebruiker maken").click()
    expect(page.get_by_role("alert")).to_contain_text("al een account")


def admin_overview(page: Page, base: str, log_in) -> None:
    log_in(ADMIN)
    page.get_by_role("link", name="Beheer").click()
    expect(page.get_by_role("heading", level=1, name="Beheer")).to_be_visible()


def admin_timers(page: Page, base: str, log_in) -> None:
    """After an appointment: the new confidant's training timers wait."""
    roster_page(page, base, log_in)
    page.get_by_role("button", name="Afmelden").click()
    admin_overview(page, base, log_in)
    page.get_by_role("link", name="Termijnen").click()
    expect(page.get_by_role("button", name="Nu laten afgaan").first).to_be_visible()


def admin_instance(page: Page, base: str, log_in) -> None:
    """The admin on a running appointment, after suspending it: resume, and terminate with a reason."""
    instance_page(page, base, log_in)
    url = page.url
    page.get_by_role("button", name="Afmelden").click()
    log_in(ADMIN)
    page.goto(url)
    page.get_by_role("button", name="Opschorten").click()
    expect(page.get_by_text("Het proces is opgeschort.")).to_be_visible()
    expect(page.get_by_role("button", name="Hervatten")).to_be_visible()


def admin_model(page: Page, base: str, log_in) -> None:
    """A process model's versions, from the admin's overview."""
    admin_overview(page, base, log_in)
    page.get_by_role("link", name="appointment").click()
    expect(page.get_by_role("heading", name="Wat veranderde")).to_be_visible()


def admin_fire_now_question(page: Page, base: str, log_in) -> None:
    """The question a browser without JavaScript gets before a timer goes off."""
    admin_timers(page, base, log_in)
    page.evaluate("document.querySelectorAll('form[data-confirm]').forEach(f => f.removeAttribute('data-confirm'))")
    page.get_by_role("button", name="Nu laten afgaan").first.click()
    expect(page.get_by_role("heading", level=1, name="Termijn nu laten afgaan?")).to_be_visible()


def admin_outbox(page: Page, base: str, log_in) -> None:
    admin_overview(page, base, log_in)
    page.get_by_role("link", name="Uitgaande e-mail").click()
    expect(page.get_by_role("heading", level=1, name="Uitgaande e-mail")).to_be_visible()


def inbox_filtered(width: int):
    """The PAPSY's inbox with a saved filter, a claimed late task, under "Iedereen", at ``width`` px."""
    def visit(page: Page, base: str, log_in) -> None:
        arrange_tasks()
        page.set_viewport_size({"width": width, "height": 900})
        log_in(OMG_PAPSY)
        page.get_by_role("link", name=re.compile(r"^Te laat")).click()
        late_row(page).get_by_role("button", name="Ik neem dit op").click()
        page.get_by_label("Deze filter bewaren als").fill("Te laat")
        page.get_by_role("button", name="Filter bewaren").click()
        page.get_by_role("link", name=re.compile(r"^Iedereen")).click()
        expect(late_row(page).get_by_text("Opgenomen door u")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    return visit


def inbox_bad_filter(page: Page, base: str, log_in) -> None:
    log_in(OMG_PAPSY)
    page.goto(f"{base}/inbox?due=gisteren")
    expect(page.get_by_text("Deze filter klopt niet")).to_be_visible()


def task_hand_over(page: Page, base: str, log_in) -> None:
    arrange_tasks()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Aanvraag nakijken").click()
    expect(page.get_by_role("heading", name="Overdragen aan een collega")).to_be_visible()


def admin_modeler(page: Page, base: str, log_in) -> None:
    """The modeler on the appointment, a user task chosen: the diagram, our own panel and bpmn-js's."""
    admin_model(page, base, log_in)
    page.get_by_role("link", name="Bewerken").click()
    page.locator('[data-element-id="review_appointment"]').first.click()
    expect(page.get_by_label("Formulier", exact=True)).to_have_value("appointment_review")


def admin_form_editor(page: Page, base: str, log_in) -> None:
    """The modeler's form editor: a form's JSON with a parse error, and its preview by our renderer."""
    admin_modeler(page, base, log_in)
    page.get_by_role("tab", name="Formulieren").click()
    expect(page.locator("#form-editor-preview form")).to_be_visible()
    page.get_by_label("UI-schema (JSON)").fill('{"ui:order": [')
    expect(page.get_by_text("Geen geldige JSON op regel 1")).to_be_visible()


def admin_modeler_check(page: Page, base: str, log_in) -> None:
    """The check's result after the review step lost its form: the error in a list, its step marked on the canvas,
    and a way to it."""
    admin_modeler(page, base, log_in)
    page.get_by_label("Formulier", exact=True).select_option("")
    page.get_by_role("button", name="Controleren", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("fout(en)")
    expect(page.locator(".djs-element.modeler-error").first).to_be_visible()
    page.get_by_role("button", name="Toon in het diagram").first.click()
    expect(page.locator("#modeler-own-panel")).to_be_focused()


from tests.e2e.intervision_group_pages import (  # noqa: E402 (the intervision groups' pages)
    intervision_group,
    intervision_group_refused,
    intervision_groups,
    intervision_mine,
)


def open_session_form_with_errors(page: Page, base: str, log_in) -> None:
    """R12.2: a PAPSY's publish form sent empty: every problem beside its field."""
    log_in(OMG_PAPSY)
    page.goto(f"{base}/sessions/new?kind=open_idewe")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_text("Geef een datum")).to_be_visible()


def open_session_published(page: Page, base: str, log_in) -> None:
    """R12.2: the PAPSY published an open GDPB session and sees its page."""
    log_in(OMG_PAPSY)
    page.goto(f"{base}/sessions/new?kind=open_gdpb")
    page.get_by_label(re.compile("^Datum")).fill("2031-03-12")
    page.get_by_label(re.compile("^Beginuur")).fill("09:00")
    page.get_by_label(re.compile("^Einduur")).fill("12:30")
    page.get_by_label(re.compile("^Plaats")).fill("Herman Teirlinck, Brussel")
    page.get_by_label(re.compile("^Aantal plaatsen")).fill("10")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_role("heading", name="Open intervisie GDPB")).to_be_visible()


def open_sessions_list(page: Page, base: str, log_in) -> None:
    open_session_published(page, base, log_in)
    page.goto(f"{base}/sessions/")
    expect(page.get_by_role("link", name="Open intervisie GDPB")).to_be_visible()


def open_session_for_a_confidant(page: Page, base: str, log_in) -> None:
    """The confidant's view of the session, registered."""
    open_session_published(page, base, log_in)
    url = page.url
    page.get_by_role("button", name="Afmelden").click()
    log_in(OMG_CONFIDANT)
    page.goto(url)
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.get_by_text("Ingeschreven", exact=True)).to_be_visible()


def idewe_requests(page: Page, base: str, log_in) -> None:
    log_in(OMG_PAPSY)
    page.goto(f"{base}/sessions/requests")
    expect(page.get_by_role("heading", name="Aanvragen IDEWE")).to_be_visible()


def prevention_units(page: Page, base: str, log_in) -> None:
    """The entity's units page after a credit sent without a note."""
    log_in(OMG_PAPSY)
    page.goto(f"{base}/sessions/units")
    page.get_by_role("link").filter(has_text="Omgeving").first.click()
    page.get_by_label(re.compile("^Aantal eenheden")).fill("5")
    page.get_by_role("button", name="Bijboeken").click()
    expect(page.get_by_text("Geef een korte notitie")).to_be_visible()
def trainings_publish_errors(page: Page, base: str, log_in) -> None:
    """R13: a PAPSY's publish form sent with a duration that is no half day and no place: the reasons, per field."""
    log_in(OMG_PAPSY)
    page.goto(f"{base}/trainings/new")
    page.locator("#field-title").fill("Omgaan met agressie")
    page.locator("#field-duration_days").fill("0,3")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_role("alert")).to_contain_text("per halve dag")


def publish_training(page: Page, base: str, log_in) -> None:
    """The OMG PAPSY publishes a half-day training with one place, through the form."""
    from datetime import date, timedelta

    log_in(OMG_PAPSY)
    page.goto(f"{base}/trainings/new")
    page.locator("#field-title").fill("Omgaan met agressie")
    page.locator("#field-description").fill("Oefenen met moeilijke gesprekken.")
    page.locator("#field-starts_on").fill((date.today() + timedelta(days=30)).isoformat())
    page.locator("#field-start_time").fill("09:00")
    page.locator("#field-end_time").fill("12:30")
    page.locator("#field-duration_days").fill("0,5")
    page.locator("#field-capacity").fill("1")
    page.locator("#field-place").fill("Herman Teirlinckgebouw, Brussel")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_role("heading", level=1, name="Omgaan met agressie")).to_be_visible()


def training_registered(page: Page, base: str, log_in) -> None:
    """A confidant registered for a training: where they stand, and the recommended day a year with its status."""
    publish_training(page, base, log_in)
    page.get_by_role("button", name="Afmelden").click()
    log_in(OMG_CONFIDANT)
    page.goto(f"{base}/trainings/")
    page.get_by_role("link", name="Omgaan met agressie").click()
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.get_by_text("Aanbevolen: 1 dag aanvullende vorming per jaar")).to_be_visible()


def trainings_list(page: Page, base: str, log_in) -> None:
    """The list of trainings, for the confidant who registered (a full session, their status, the recommendation)."""
    training_registered(page, base, log_in)
    page.get_by_role("link", name="Vormingen en infosessies").click()
    expect(page.get_by_role("heading", level=1, name="Vormingen en infosessies")).to_be_visible()


def training_participants(page: Page, base: str, log_in) -> None:
    """The organiser's list of participants (attendance is recorded once the session is over)."""
    publish_training(page, base, log_in)
    page.get_by_role("link", name="Deelnemers en aanwezigheid").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Deelnemers")


from tests.e2e.library_pages import (  # noqa: E402 (the library's pages, R16)
    library_document,
    library_folder,
    library_overview,
    library_publish_errors,
    library_search,
)
from tests.e2e.inactivity_pages import (  # noqa: E402 (temporary inactivity, R14)
    acknowledge_task,
    availability_with_errors,
    dossier_share_with_errors,
    inactivity_list,
    stand_in_reads,
)
from tests.e2e.report_pages import report_entity_quarter, report_network  # noqa: E402 (the reports, R7)
from tests.e2e.register_pages import (  # noqa: E402 (the register of facts by third parties and the contacts, R20-R21)
    papsy_contacts,
    register_fact,
    register_fact_errors,
    register_report,
)

from tests.e2e.incidents_pages import incident_acknowledge, incident_share_refused  # noqa: E402 (R8)
from tests.e2e.evaluation_pages import evaluation_admin_list, evaluation_page  # noqa: E402 (the evaluation, R18)

PAGES = {
    "login": login_page,
    "login-failed": login_failed,
    "secretary-inbox": secretary_inbox,
    "start-form": start_form,
    "start-form-errors": start_form_with_errors,
    "instance": instance_page,
    "instances": instance_list,
    "instances-errors": instance_list_with_errors,
    "papsy-inbox": papsy_inbox,
    "review-task": review_task,
    "review-task-errors": review_task_with_errors,
    "roster": roster_page,
    "totp-enrolment": totp_enrolment,
    "dossier-list": dossier_list,
    "dossier-form-errors": dossier_form_with_errors,
    "delicate-dossier": delicate_dossier,
    "take-up-task": take_up_task,
    "take-up-task-errors": take_up_task_with_errors,
    "dossier-list-filter-errors": dossier_list_with_filter_errors,
    "admin-user-errors": admin_user_page_with_errors,
    "admin-new-user-errors": admin_new_user_with_errors,
    "admin-overview": admin_overview,
    "admin-timers": admin_timers,
    "admin-instance": admin_instance,
    "admin-model": admin_model,
    "admin-fire-now-question": admin_fire_now_question,
    "admin-outbox": admin_outbox,
    "inbox-filtered": inbox_filtered(390),  # used on a phone; audited at both widths like every page
    "inbox-bad-filter": inbox_bad_filter,
    "task-hand-over": task_hand_over,
    "admin-instance-diagram": admin_instance_diagram,
    "admin-instance-migrate": admin_instance_migrate,
    "admin-migration-new-errors": admin_migration_new_errors,
    "admin-migration-report": admin_migration_report,
    "admin-modeler": admin_modeler,
    "admin-form-editor": admin_form_editor,
    "admin-modeler-check": admin_modeler_check,
    "intervision-compliance": compliance_view,
    "intervision-compliance-bad-year": compliance_bad_year,
    "confidant-home-intervision": confidant_home_intervision,
    "intervision-groups": intervision_groups,
    "intervision-group": intervision_group,
    "intervision-group-refused": intervision_group_refused,
    "intervision-mine": intervision_mine,
    "open-session-form-errors": open_session_form_with_errors,
    "open-session": open_session_published,
    "open-sessions": open_sessions_list,
    "open-session-confidant": open_session_for_a_confidant,
    "idewe-requests": idewe_requests,
    "prevention-units": prevention_units,
    "calendar-month": calendar_month,
    "calendar-bad-month": calendar_bad_month,
    "account-calendar-feed": account_calendar_feed,
    "trainings-publish-errors": trainings_publish_errors,
    "training-registered": training_registered,
    "trainings-list": trainings_list,
    "training-participants": training_participants,
    "room-week": room_week,
    "room-request-refused": room_request_refused,
    "room-requests": room_requests,
    "published-list": published_list,
    "roster-all-appointed": full_list,
    "roster-own-details-errors": own_details_refused,
    "retention-overview": retention_overview,
    "retention-hold-refused": retention_hold_refused,
    "shredded-dossier": shredded_dossier,
    "resignation-start-errors": resignation_start_errors,
    "resignation-running": resignation_running,
    "resignation-dossiers-refused": resignation_dossiers_refused,
    "role-endings": role_endings,
    "removal-refused": removal_refused,
    "library-overview": library_overview,
    "library-folder": library_folder,
    "library-search": library_search,
    "library-document": library_document,
    "library-publish-errors": library_publish_errors,
    "availability-errors": availability_with_errors,
    "dossier-stand-in-share-errors": dossier_share_with_errors,
    "stand-in-dossier": stand_in_reads,
    "inactivity-list": inactivity_list,
    "inactivity-acknowledge-task": acknowledge_task,
    "report-network": report_network,
    "report-entity-quarter": report_entity_quarter,
    "register-fact-errors": register_fact_errors,
    "register-fact": register_fact,
    "register-report": register_report,
    "papsy-contacts": papsy_contacts,
    "incident-share-refused": incident_share_refused,
    "incident-acknowledge": incident_acknowledge,
    "evaluation-page": evaluation_page,
    "evaluation-admin-list": evaluation_admin_list,
}
WIDTHS = (390, 1280)  # a phone and a laptop: the layout differs, and so may what axe finds


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_wcag_a_or_aa_violations(name, page: Page, live_server, log_in, axe_script, screenshot):
    PAGES[name](page, live_server, log_in)
    found, too_wide = {}, []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        found[width] = audit(page, axe_script)
        screenshot(f"axe-{name}-{width}")
        if page.evaluate("document.documentElement.scrollWidth") > width:
            too_wide.append(width)
    assert found == {width: [] for width in WIDTHS}, "\n".join(
        report(f"{name} at {width} px", page.url, violations) for width, violations in found.items() if violations)
    assert too_wide == [], f"{name} scrolls sideways at {too_wide} px"


def test_the_audit_catches_an_unlabelled_field(page: Page, live_server, log_in, axe_script):
    """The harness itself: axe runs, and a field without a label is a violation."""
    login_page(page, live_server, log_in)
    page.evaluate("document.querySelector('main form').append(document.createElement('input'))")
    violations = audit(page, axe_script)
    assert [v["id"] for v in violations] == ["label"], report("login + unlabelled input", page.url, violations)
