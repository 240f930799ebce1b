"""R7's pages, exports and API: what the PAPSY and the EOC secretary see, the same suppressed numbers in the page,
the CSV, the PDF and the JSON, clear refusals for bad parameters, and no confidential text anywhere (canary)."""
from __future__ import annotations

import csv
import io

import jsonschema
import pypdfium2

from app.api.openapi import OPENAPI
from app.reports import services
from tests.api_client import bearer
from tests.helpers import AWV_PAPSY, OMG_PAPSY, OMG_SECRETARY, login, visible_text
from tests.reports.support import CANARY, TODAY

K = 5


def _pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(document[index].get_textpage().get_text_range() for index in range(len(document)))
    finally:
        document.close()


def test_r7_papsy_sees_the_network_report_with_charts_tables_and_exports(app, store, reported):
    client = app.test_client()
    login(client, OMG_PAPSY)
    page = client.get("/reports/?year=2025")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    text = visible_text(html)
    assert "Rapport: Het netwerk, 2025" in text and "Dossiers per entiteit" in text
    assert "Andere entiteiten (1, elk met minder dan 5 dossiers)" in text and "Agentschap Klein" not in text
    assert html.count("<svg") >= 8 and html.count("<caption") >= 9 and 'scope="row"' in html
    assert "< 5" in text and "<script" not in html.split("<main", 1)[1]
    result = services.year_result(store, 2025, K, TODAY)
    rows = list(csv.reader(io.StringIO(client.get("/reports/export.csv?year=2025").get_data(as_text=True))))
    themes = {row[1]: row[2] for row in rows if row and row[0] == "Thema's"}
    stress = result.cell("themes", services.YEAR, "stress", services.TOTAL)
    assert themes["Stress"] == stress.display(K) and len(themes) == 10
    pdf = client.get("/reports/export.pdf?year=2025")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pdf_text = _pdf_text(pdf.data)
    assert "Thema's" in pdf_text and "< 5" in pdf_text
    for output in (html, "\n".join(",".join(row) for row in rows), pdf_text):
        assert CANARY not in output and "verzoeker" not in output.lower().replace("stopgezet door de verzoeker", "")


def test_r7_secretary_sees_only_their_entity_and_bad_choices_are_refused(app, reported):
    client = app.test_client()
    login(client, OMG_SECRETARY)
    own = client.get("/reports/?year=2025")
    assert own.status_code == 200 and "Rapport: Departement Omgeving, 2025" in visible_text(own.get_data(as_text=True))
    assert 'value="">Het netwerk' not in own.get_data(as_text=True)
    assert client.get("/reports/?year=2025&entity=AWV").status_code == 403
    assert client.get("/reports/?year=2025&entity=KLN").status_code == 403
    refused = client.get("/reports/?year=twintig")
    assert refused.status_code == 400 and "jaartal" in refused.get_data(as_text=True)
    assert client.get("/reports/?year=1999").status_code == 404
    assert client.get("/reports/?year=2026&quarter=4").status_code == 404  # not ended
    assert client.get("/reports/?year=2025&quarter=5").status_code == 400
    assert client.get("/reports/?year=2025&quarter=2").status_code == 200


def test_r7_api_answers_suppressed_cells_as_null(app, reported):
    client = app.test_client()
    headers = bearer(app, AWV_PAPSY)
    response = client.get("/api/v1/reports/requests?year=2025", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    schema = OPENAPI["paths"]["/reports/requests"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema.validate(body, schema)
    cells = [cell for dimension in body["dimensions"].values() for cell in dimension["cells"].values()]
    assert {"value": None, "suppressed": True} in cells
    assert all(cell["suppressed"] or not 1 <= cell["value"] < K for cell in cells)
    assert {"entity": "other", "dossiers": {"value": None, "suppressed": True}} in body["entities"]
    assert CANARY not in response.get_data(as_text=True)
    quarter = client.get("/api/v1/reports/requests?year=2025&quarter=1&entity=AWV", headers=headers)
    assert quarter.status_code == 200 and quarter.get_json()["entities"] is None
    for url, status in (("?year=abc", 400), ("", 400), ("?year=1999", 404), ("?year=2025&entity=OMG", 403),
                        ("?year=2025&entity=AWV;", 400), ("?year=2025&quarter=x", 400)):
        refused = client.get(f"/api/v1/reports/requests{url}", headers=headers)
        assert refused.status_code == status, url
        assert refused.get_json()["error"]
    assert client.get("/api/v1/reports/requests?year=2025").status_code == 401
