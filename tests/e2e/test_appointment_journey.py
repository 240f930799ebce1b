"""The appointment of a confidant (R10, R14) in a real browser, as the people do it: the EOC secretary of
Omgeving starts it, the PAPSY approves it, the roster shows the new confidant. Only accessible locators
(label, role, text), so the labels are tested too; one step is done with the keyboard alone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.helpers import OMG_PAPSY, OMG_SECRETARY

pytestmark = pytest.mark.browser

CANDIDATE = {
    "Naam van de kandidaat": "Jana Vermeulen",
    "E-mailadres van de kandidaat": "jana.vermeulen@omgeving.vlaanderen.example",
    "Functie": "Beleidsmedewerker",
    "Datum van het EOC-besluit": "2026-10-15",
    "Referentie van het EOC-besluit": "EOC/2026/17",
}
AGREEMENT = "Alle leden die de werknemers vertegenwoordigen gingen vooraf akkoord"
CONFIRMATIONS = [
    "De kandidaat is geen afgevaardigde van de werkgever in het comité",
    "De kandidaat is geen afgevaardigde van de werknemers in het comité",
    "De kandidaat maakt geen deel uit van de vakbondsafvaardiging",
    "De kandidaat behoort niet tot het leidinggevend personeel",
    "De kandidaat is niet de arbeidsgeneesheer",
    "De kandidaat is geen kandidaat bij de sociale verkiezingen",
]
UNION = "De kandidaat maakt geen deel uit van de vakbondsafvaardiging"
UNION_WHY = "Een lid van de vakbondsafvaardiging kan geen vertrouwenspersoon zijn (Welzijnswet art. 32sexies)."
APPOINTED_ON = re.compile(r"15 okt\.? 2026")


def tab_to(page: Page, target: Locator, max_presses: int = 40) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user does."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {max_presses} presses of Tab")


def watch_for_errors(page: Page) -> list[str]:
    """Collect script errors and console errors (a CSP violation shows up there too). A rejected form is
    answered with 422 on purpose; Chromium reports that status in the console, it is not an error."""
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "status of 422" not in message.text:
            problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", on_console)
    return problems


def open_start_form(page: Page) -> None:
    page.get_by_role("link", name="Aanstelling vertrouwenspersoon").click()
    expect(page.get_by_role("heading", level=1, name="Aanstelling vertrouwenspersoon")).to_be_visible()


def fill_candidate(page: Page, leave_unticked: str | None = None, leave_empty: str | None = None,
                   choose_agreement: bool = True) -> None:
    for label, value in CANDIDATE.items():
        if label != leave_empty:
            page.get_by_label(label).fill(value)
    if choose_agreement:
        page.get_by_label(AGREEMENT).check()
    for label in CONFIRMATIONS:
        if label != leave_unticked:
            page.get_by_label(label).check()


def test_secretary_starts_papsy_approves_roster_shows(page: Page, live_server, log_in, log_out, screenshot):
    problems = watch_for_errors(page)

    # The EOC secretary logs in; the e-mail field has the focus.
    page.goto(f"{live_server}/login")
    expect(page).to_have_title(re.compile("Aanmelden"))
    expect(page.get_by_label("E-mailadres")).to_be_focused()
    screenshot("login")
    log_in(OMG_SECRETARY)
    expect(page.get_by_text("Ingrid Verhaegen · EOC-secretaris")).to_be_visible()
    screenshot("secretary-inbox")

    # Keyboard: the skip link is the first Tab stop, is shown when focused and moves the focus to main.
    skip = page.get_by_role("link", name="Naar de inhoud")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is the first one in main, past the header (the inbox's choices)
    expect(page.locator("main").locator("a[href], button, input:not([type=hidden]), select, textarea").first) \
        .to_be_focused()

    # She starts the appointment from the inbox and forgets one eligibility confirmation.
    open_start_form(page)
    expect(page.get_by_label("Entiteit")).to_have_value("OMG")
    fill_candidate(page, leave_unticked=UNION)
    page.get_by_role("button", name="Indienen").click()
    # Nothing was started, and everything she typed is still there.
    expect(page.get_by_role("heading", level=1, name="Aanstelling vertrouwenspersoon")).to_be_visible()
    for label, value in CANDIDATE.items():
        expect(page.get_by_label(label)).to_have_value(value)
    expect(page.get_by_label(AGREEMENT)).to_be_checked()
    expect(page.get_by_label(UNION)).not_to_be_checked()
    screenshot("start-form-one-unticked")
    # (What she is told about it is checked in test_unticked_confirmation_says_which_and_why.)

    # She ticks it and submits: the instance page says the PAPSY is next.
    page.get_by_label(UNION).check()
    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_role("status")).to_contain_text("Het proces werd gestart")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Aanstelling vertrouwenspersoon #\d+: Jana Vermeulen"))
    expect(page.get_by_text("Aanstelling nakijken: wacht op PAPSY")).to_be_visible()
    screenshot("instance-started")
    log_out()
    expect(page.get_by_text("U bent afgemeld.")).to_be_visible()

    # The PAPSY logs in and finds the review in the inbox.
    log_in(OMG_PAPSY)
    task_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Aanstelling nakijken"))
    expect(task_row).to_contain_text("Jana Vermeulen")
    expect(task_row).to_contain_text("Departement Omgeving")
    screenshot("papsy-inbox")
    task_row.get_by_role("link", name="Aanstelling nakijken").click()
    expect(page.get_by_role("heading", level=1, name="Aanstelling nakijken")).to_be_visible()

    # She sees the candidate's data.
    shown = page.get_by_role("region", name="Aanstelling vertrouwenspersoon")
    for value in CANDIDATE.values():
        if value != "2026-10-15":
            expect(shown).to_contain_text(value)
    expect(shown).to_contain_text(AGREEMENT)
    screenshot("review-task")

    # Keyboard only: Tab to the first choice, Space, Tab to the button, Enter.
    approve = page.get_by_role("radio", name=re.compile("^Goedkeuren"))
    tab_to(page, approve)
    page.keyboard.press("Space")
    expect(approve).to_be_checked()
    finish = page.get_by_role("button", name="Taak afwerken")
    tab_to(page, finish, max_presses=3)  # past the (optional) reason for sending back
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Taak 'Aanstelling nakijken' afgewerkt.")
    expect(page.get_by_role("link", name="Aanstelling nakijken")).to_have_count(0)

    # The roster shows the new confidant with the appointment date.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Netwerk").click()
    expect(page.get_by_role("heading", level=1, name="Vertrouwenspersonen")).to_be_visible()
    confidant = page.get_by_role("row").filter(has=page.get_by_role("cell", name="Jana Vermeulen", exact=True))
    expect(confidant).to_have_count(1)
    expect(confidant).to_contain_text("jana.vermeulen@omgeving.vlaanderen.example")
    expect(confidant).to_contain_text("Departement Omgeving")
    expect(confidant).to_contain_text("actief")
    expect(confidant).to_contain_text(APPOINTED_ON)
    screenshot("roster")

    assert problems == [], "the browser reported errors:\n" + "\n".join(problems)


def test_r10_unticked_confirmation_says_which_and_why(page: Page, live_server, log_in, screenshot):
    log_in(OMG_SECRETARY)
    open_start_form(page)
    fill_candidate(page, leave_unticked=UNION)
    page.get_by_role("button", name="Indienen").click()
    summary = page.get_by_role("alert")
    expect(summary, "the server's error summary did not appear").to_contain_text(UNION_WHY, timeout=3_000)
    expect(summary.get_by_role("link", name=re.compile(UNION))).to_be_visible()
    expect(page.get_by_label(UNION)).to_have_accessible_description(re.compile(re.escape(UNION_WHY)))
    for label, value in CANDIDATE.items():
        expect(page.get_by_label(label)).to_have_value(value)
    screenshot("start-form-errors")
