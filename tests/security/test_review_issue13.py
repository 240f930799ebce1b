"""Security review of issue 13 (reports R7, the R8 sharing, the R18 evaluation, the R20 register, the R21 contacts): one
test per finding, each asserting the SAFE behaviour, so that it fails while the hole is there. What each proves is in
its docstring; the review's report (severity, function at fault, fix) names the test."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from app.auth import policy
from app.evaluation import services as evaluations
from app.evaluation.services import EvaluationRefused
from app.models import Confidant, Dossier, DossierFact, ThirdPartyFact
from app.models.dossiers import FactKind
from app.register import report as register_report
from app.reports import services as reports
from app.reports.dimensions import DIMENSIONS
from app.reports.suppression import TOTAL
from tests.helpers import ADMIN, OMG_CONFIDANT, OMG_SECRETARY, entity, user
from tests.web.matrix_support import app, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import as_actor

K = 5
KOEN = "koen.maes@omgeving.vlaanderen.example"  # OMG's second confidant (demo)


def confidant_of(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.user_id == user(session, email).id))


def add_dossier(session, entity_id: int, owner_id: int, opened_on: date, delicate: bool) -> None:
    dossier = Dossier(confidant_id=owner_id, entity_id=entity_id, opened_on=opened_on, delicate=delicate)
    dossier.facts = [DossierFact(kind=FactKind.THEME, value="stress"),
                     DossierFact(kind=FactKind.PERSON, value="colleague"),
                     DossierFact(kind=FactKind.INTERVENTION, value="listening")]
    session.add(dossier)


def add_fact(session, keeper: Confidant, occurred_on: date) -> None:
    session.add(ThirdPartyFact(confidant_id=keeper.id, entity_id=keeper.entity_id, occurred_on=occurred_on,
                               kind="violence", context="counter", third_party="citizen"))


def shown_cells(shown: register_report.RegisterReport) -> dict:
    """Every count of a register report, keyed, as its reader sees it (None when hidden)."""
    cells = {("total",): shown.total, **{("quarter", q): cell for q, cell in shown.quarters.items()}}
    for name, table in (("context", shown.by_context), ("third_party", shown.by_third_party)):
        cells.update({(name, *key): cell for key, cell in table.cells.items()})
        cells.update({("kind", key): cell for key, cell in table.row_totals.items()})
        cells.update({(name, key): cell for key, cell in table.column_totals.items()})
    return {key: None if cell.suppressed else cell.value for key, cell in cells.items()}


# ---- Reports (R7) ----

def test_r7_year_to_date_reports_of_the_running_year_cannot_be_subtracted(session):
    """The running year is published as the sum of its ended quarters, each time suppressed on its own. In April the
    2026 report (= Q1) shows 5 delicate dossiers at OMG; in July the same report shows 7 for the year and hides Q1
    and Q2 to protect Q2's 2. The EOC secretary who kept April's page (or CSV, or API answer) subtracts: 7 - 5 = 2
    delicate cases in Q2 at their entity, a count R7 hides. Safe: the running year is not published, and a year, once
    published, shows the same counts ever after (a late dossier changes no copy). At fault: app/reports/services.py year_result/_compute (a year-to-date suppressed afresh per
    cutoff)."""
    reports.clear_cache()
    omg, sofie = entity(session, "OMG").id, user(session, OMG_CONFIDANT).id
    for day in range(10):
        add_dossier(session, omg, sofie, date(2026, 2, 1 + day), delicate=day < 5)
        add_dossier(session, omg, sofie, date(2026, 5, 1 + day), delicate=day < 2)
    session.commit()
    copies = [shown_year(session, moment) for moment in (date(2026, 4, 15), date(2026, 7, 15))]
    assert copies == [None, None], "the running year is not published"
    published = shown_year(session, date(2027, 2, 1))
    add_dossier(session, omg, sofie, date(2026, 11, 3), delicate=True)  # registered late
    session.commit()
    reports.clear_cache()
    later = shown_year(session, date(2027, 6, 1))
    derived = {key: later[key] - published[key] for key in published
               if published[key] is not None and later[key] is not None and later[key] != published[key]}
    assert not derived, f"two copies of the published year differ: {derived}"


def shown_year(session, today: date) -> dict | None:
    """Every count of the 2026 report as published on ``today`` (None when hidden); None when there is none yet."""
    try:
        result = reports.year_result(session, 2026, K, today)
    except reports.ReportUnavailable:
        return None
    return {key: cell.value for key, cell in result.entries.items()}


# ---- The register of facts by third parties (R20) ----

def test_r20_a_new_fact_of_the_running_quarter_does_not_show_as_a_change_of_one(session):
    """The register report counts the running year up to today, its running quarter included (the reports of R7
    publish ended quarters only, for this reason). The entity's EOC secretary opens /register/report in the morning
    (6 facts: violence, at the counter, by a citizen) and again in the afternoon after a confidant recorded one more:
    total, kind, context and third party each went up by exactly one, so the employer learns that today (this
    quarter) a colleague was the victim of violence by a citizen at the counter. Safe: between two openings no shown
    count changes by 1..K-1 because of one fact. At fault: app/register/report.py report_for (no cutoff; a live
    year)."""
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=timezone.utc), tick=False):
        omg, sofie = entity(session, "OMG"), confidant_of(session, OMG_CONFIDANT)
        assert omg.id in policy.register_report_entity_ids(session, user(session, OMG_SECRETARY))
        for day in range(6):
            add_fact(session, sofie, date(2026, 2, 2 + day))
        session.commit()
        morning = shown_cells(register_report.report_for(session, omg, 2026, K))
        add_fact(session, sofie, date(2026, 6, 10))
        session.commit()
        afternoon = shown_cells(register_report.report_for(session, omg, 2026, K))
    changed = {key: afternoon[key] - morning[key] for key in morning
               if morning[key] is not None and afternoon[key] is not None and 1 <= afternoon[key] - morning[key] < K}
    assert not changed, f"one new fact is readable as a change of one: {changed}"


def test_r20_a_confidant_cannot_subtract_their_own_facts_to_read_a_colleagues(session):
    """The register report is also shown to the entity's confidants, who each know their own facts. Sofie recorded 5
    facts, her colleague Koen 1; the report shows 6 everywhere (violence, counter, citizen, Q2), no cell below K, so
    nothing is suppressed. Sofie subtracts her own 5 and reads Koen's fact: 1 violence by a citizen at the counter in
    the second quarter, a count from another confidant's register that R7's K is meant to hide. Safe: no count a
    confidant is shown, minus their own contribution, falls in 1..K-1 (suppress against each contributor, or do not
    show the report to its contributors). At fault: app/register/report.py report_for with
    app/auth/network_policy.py register_report_entity_ids (confidants among the readers)."""
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc), tick=False):  # 2025 is published
        omg, sofie, koen = entity(session, "OMG"), confidant_of(session, OMG_CONFIDANT), confidant_of(session, KOEN)
        assert koen is not None and koen.entity_id == omg.id
        for day in range(5):
            add_fact(session, sofie, date(2025, 4, 1 + day))
        add_fact(session, koen, date(2025, 5, 20))
        session.commit()
        published = shown_cells(register_report.report_for(session, omg, 2025, K))
        assert published[("total",)] == 6  # its readers see Koen's fact counted, nothing suppressed
        readable = omg.id in policy.register_report_entity_ids(session, user(session, OMG_CONFIDANT))
    everyone = published if readable else {}  # what Sofie is shown
    own = {("total",): 5, ("quarter", 2): 5, ("kind", "violence"): 5, ("context", "counter"): 5,
           ("third_party", "citizen"): 5, ("context", "violence", "counter"): 5,
           ("third_party", "violence", "citizen"): 5}
    derived = {key: value - own.get(key, 0) for key, value in everyone.items()
               if value is not None and 1 <= value - own.get(key, 0) < K}
    assert not derived, f"Sofie reads Koen's facts by subtracting her own: {derived}"


# ---- The annual evaluation (R18) ----

def test_r18_an_admin_cannot_make_the_evaluation_of_a_year_not_yet_ended(session):
    """POST /evaluations/OMG/<this year>/regenerate is accepted (services.regenerate allows year <= now().year): the
    employer's page then shows year-to-date figures (the delicate-case consultations, which no report shows),
    refreshed at every regeneration, so two regenerations around one consultation tell the EOC secretary that a
    delicate case was discussed that week; and it starts "Gesprek over de werking" for a confidant whose third
    empty year has barely begun (mail to the confidant, signal to the PAPSY). Safe: only an ended year is
    evaluated. At fault: app/evaluation/services.py regenerate (and generate_year / the command)."""
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc), tick=False):
        with pytest.raises(EvaluationRefused):
            evaluations.regenerate(session, user(session, ADMIN), entity(session, "OMG").id, 2026)


# ---- The contacts with the PAPSY (R21) ----

def test_r21_an_out_of_range_confidant_filter_is_not_a_server_error(app, store):  # noqa: F811
    """GET /contacts?confidant=99999999999999999999 as a PAPSY: the int goes straight into the query and the database
    refuses it (SQLite OverflowError, PostgreSQL "integer out of range"): a 500 with a stack trace in the log,
    from a crafted parameter. Safe: the filter is ignored or refused (200 or 400). At fault:
    app/contacts/routes.py _page (request.args.get("confidant", type=int) unbounded)."""
    client, _headers = as_actor(app, store, "omg_papsy", False)
    try:
        status = client.get("/contacts?confidant=99999999999999999999").status_code
    except Exception as exc:  # the test app propagates the server error
        status = f"500 ({type(exc).__name__})"
    assert status in (200, 400), status
