"""The compliance view per entity and year (R12, R13 for R18): what counts and where, the recommendation shown and
never enforced, the CSV (and its formula guard), who may see which entity, the API's contract, the confidant's
own panel on the home page."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from sqlalchemy import event

from app.auth.accounts import create_api_token
from app.db import db
from app.intervision import compliance
from app.models import Confidant, ConfidantStatus, EventKind, ParticipantStatus
from app.ui import local_today
from tests.helpers import ADMIN, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, entity, login, user
from tests.web.intervision_compliance_data import KOEN, add_training, arrange, confidant, session_on, take_part


def report_of(store, year: int, code: str = "OMG") -> compliance.EntityCompliance:
    return compliance.entity_compliance(store, entity(store, code), year, local_today())


def test_r12_compliance_counts_two_half_days_and_where(app, store):
    ids = arrange(store)
    report = report_of(store, ids["year"])
    rows = {row.email: row for row in report.rows}
    assert set(rows) == {OMG_CONFIDANT, KOEN}, "AWV's confidant is not OMG's"
    sofie, koen = rows[OMG_CONFIDANT], rows[KOEN]
    assert (sofie.half_days, sofie.required_half_days, sofie.compliant) == (2, 2, True)
    assert [(s.source, s.counted, s.group) for s in sofie.sessions] == [
        ("own_group", True, "Groep Gent"), ("open_gdpb", True, None)]
    # IDEWE counts once the certificate is approved; a pending one does not; absent and cancelled count nothing.
    assert (koen.half_days, koen.compliant) == (1, False)
    assert [(s.source, s.counted, s.certificate) for s in koen.sessions] == [
        ("idewe", True, "approved"), ("idewe", False, "pending")]
    assert (report.summary.confidants, report.summary.compliant, report.summary.certified) == (2, 1, 1)

    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    page = papsy.get(f"/compliance?year={ids['year']}&entity=OMG")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 van 2 halve dagen" in html and "1 van 2 halve dagen" in html
    assert "eigen groep (Groep Gent), 10 mrt." in html and "open groep van de GDPB" in html
    assert "attest goedgekeurd" in html and "attest wacht op beoordeling" in html and "te weinig" in html
    assert "Els De Smet" not in html and "approved" not in html and "own_group" not in html


def test_r12_the_view_costs_the_same_queries_for_two_confidants_or_twenty(app, store):
    ids = arrange(store)
    omg = entity(store, "OMG")

    def statements() -> int:
        count = [0]

        def counted(*_args):
            count[0] += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            compliance.entity_compliance(store, omg, ids["year"], local_today())
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return count[0]

    store.expire_all()
    few = statements()
    group_session = session_on(store, EventKind.GROUP_SESSION, ids["year"], 11, 20, group_id=ids["group"])
    for number in range(18):
        extra = Confidant(entity_id=omg.id, name=f"Extra {number}", email=f"extra{number}@omgeving.example",
                          status=ConfidantStatus.ACTIVE, appointed_on=local_today().replace(year=ids["year"] - 1))
        store.add(extra)
        store.flush()
        take_part(store, group_session, extra, attendance="present")
    store.commit()
    store.expire_all()
    assert statements() == few <= 4
    assert len(report_of(store, ids["year"]).rows) == 20


def test_r13_recommendation_shown_not_enforced(app, store):
    ids = arrange(store)
    add_training(store, ids["year"], confidant(store, KOEN), "0.5")
    rows = {row.email: row for row in report_of(store, ids["year"]).rows}
    sofie, koen = rows[OMG_CONFIDANT], rows[KOEN]
    assert (sofie.training_days, sofie.compliant, sofie.recommendation_met) == (0, True, False)
    assert (koen.training_days, koen.recommendation_met) == (Decimal("0.5"), False)
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    html = papsy.get(f"/compliance?year={ids['year']}&entity=OMG").get_data(as_text=True)
    assert "aanbevolen: 1 dag — 0 dagen gevolgd" in html and "aanbevolen: 1 dag — 0,5 dag gevolgd" in html

    # This year on the confidant's own home page: short of intervision says what to do; training only recommended.
    this_year = compliance.this_year()
    sofie_row = confidant(store, OMG_CONFIDANT)
    take_part(store, session_on(store, EventKind.GROUP_SESSION, this_year, 3, 10, group_id=ids["group"]),
              sofie_row, attendance="present")
    ahead = session_on(store, EventKind.OPEN_GDPB, this_year + 1, 1, 20, place="Boudewijngebouw")
    take_part(store, ahead, sofie_row, status=ParticipantStatus.REGISTERED)
    store.commit()
    home = app.test_client()
    login(home, OMG_CONFIDANT)
    inbox = home.get("/inbox").get_data(as_text=True)
    assert f"Intervisie {this_year}: 1 van 2 halve dagen" in inbox
    assert "Nog 1 halve dag te volgen vóór 31 december." in inbox
    assert "Bijkomende opleiding: aanbevolen: 1 dag — 0 dagen gevolgd." in inbox
    assert "Dat is een aanbeveling, geen verplichting." in inbox
    assert f"Uw volgende sessie: Open intervisie GDPB, 20 jan. {this_year + 1} 09:00–13:00 (Boudewijngebouw)" in inbox
    assert "own-intervision-title" not in papsy.get("/inbox").get_data(as_text=True)  # no panel for a PAPSY


def test_the_csv_has_a_header_a_row_per_confidant_and_no_formulas(app, store):
    ids = arrange(store)
    sofie = confidant(store, OMG_CONFIDANT)
    sofie.name = "=HYPERLINK(\"http://evil.example\")"
    koen = confidant(store, KOEN)
    koen.name, koen.email = "@SUM(1+1)", "-2+3@omgeving.example"
    store.commit()
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    response = papsy.get(f"/compliance.csv?year={ids['year']}&entity=OMG")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="intervisie-OMG-{ids["year"]}.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Naam", "E-mail", "Entiteit"] and len(rows) == 3
    names = {row[0]: row for row in rows[1:]}
    assert set(names) == {"'=HYPERLINK(\"http://evil.example\")", "'@SUM(1+1)"}
    assert names["'@SUM(1+1)"][1] == "'-2+3@omgeving.example"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert names["'=HYPERLINK(\"http://evil.example\")"][5:8] == ["2", "2", "ja"]


def test_scope_papsy_of_their_entities_secretary_own_entity_admin_and_confidant_none(app, store):
    ids = arrange(store)
    url = f"/compliance?year={ids['year']}&entity=OMG"
    awv_papsy, secretary, admin, sofie = (app.test_client() for _ in range(4))
    login(awv_papsy, AWV_PAPSY)
    assert awv_papsy.get(url).status_code == 403
    assert awv_papsy.get(f"/compliance.csv?year={ids['year']}&entity=OMG").status_code == 403
    own = awv_papsy.get("/compliance").get_data(as_text=True)  # this year, their first entity
    assert "Agentschap Wegen en Verkeer" in own and "Departement Omgeving" not in own
    login(secretary, OMG_SECRETARY)
    assert secretary.get(url).status_code == 200
    assert secretary.get(f"/compliance?year={ids['year']}&entity=AWV").status_code == 403
    login(admin, ADMIN)
    assert admin.get(url).status_code == 403 and admin.get("/compliance").status_code == 403
    login(sofie, OMG_CONFIDANT)
    assert sofie.get("/compliance").status_code == 403


def test_bad_year_or_entity_is_a_clear_message_not_a_500(app, store):
    papsy = app.test_client()
    login(papsy, OMG_PAPSY)
    bad_year = papsy.get("/compliance?year=twintig&entity=OMG")
    assert bad_year.status_code == 400 and "Het jaar moet een jaartal zijn" in bad_year.get_data(as_text=True)
    far = papsy.get("/compliance?year=1999&entity=OMG")
    assert far.status_code == 400 and "Kies een jaar tussen 2000 en" in far.get_data(as_text=True)
    assert papsy.get("/compliance?entity=%3Cscript%3E").status_code == 400
    assert papsy.get("/compliance?entity=NOPE").status_code == 403
    assert papsy.get("/compliance.csv?year=99999&entity=OMG").status_code == 400


def test_api_contract_items_summary_and_refusals(app, store):
    ids = arrange(store)
    token = create_api_token(store, user(store, OMG_PAPSY))
    store.commit()
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    response = client.get(f"/api/v1/intervision/compliance?year={ids['year']}&entity=OMG", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["year"], body["entity"]) == (ids["year"], "OMG")
    items = {item["email"]: item for item in body["items"]}
    sofie, koen = items[OMG_CONFIDANT], items[KOEN]
    assert (sofie["half_days_attended"], sofie["required_half_days"], sofie["compliant"]) == (2, 2, True)
    assert (koen["half_days_attended"], koen["required_half_days"], koen["compliant"]) == (1, 2, False)
    assert sofie["basic_training"] == {"status": "certified", "date": "2024-05-13"}
    assert [s["certificate_status"] for s in koen["sessions"]] == ["approved", "pending"]
    assert (sofie["training_days"], sofie["recommendation_met"], sofie["entity"]) == (0.0, False, "OMG")
    assert body["summary"] == {"confidants": 2, "compliant": 1, "training_certified": 1, "training_overdue": 0,
                               "recommendation_met": 0, "average_training_days": 0.0}
    for query, status in (("entity=OMG", 400), (f"year={ids['year']}", 400), ("year=abc&entity=OMG", 400),
                          (f"year={ids['year']}&entity=AWV", 403)):
        refused = client.get(f"/api/v1/intervision/compliance?{query}", headers=headers)
        assert refused.status_code == status and refused.get_json()["error"], query
    from app.api.openapi import OPENAPI
    schema = OPENAPI["paths"]["/intervision/compliance"]["get"]["responses"]["200"]
    item = schema["content"]["application/json"]["schema"]["properties"]["items"]["items"]
    assert set(sofie) == set(item["properties"])
