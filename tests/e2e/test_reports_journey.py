"""R7 in a real browser: the PAPSY opens the network's report from the header, looks at a chart and its table
(the same suppressed numbers), and downloads the PDF, which is rendered to an image and checked not to be blank."""
from __future__ import annotations

import os
from pathlib import Path

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.e2e.report_pages import arrange_reports
from tests.helpers import OMG_PAPSY

pytestmark = pytest.mark.browser


def test_r7_papsy_reads_the_network_report_and_downloads_its_pdf(page, live_server, log_in, screenshot, tmp_path):
    arrange_reports()
    log_in(OMG_PAPSY)
    page.get_by_role("link", name="Rapporten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapport: Het netwerk")
    chart = page.get_by_role("img", name="Staafdiagram: Thema's.")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Thema's")
    stress = table.get_by_role("row", name="Stress").get_by_role("cell").inner_text()
    assert stress.isdigit() or stress == "< 5"
    if stress.isdigit():  # the chart draws the same number as the table
        expect(chart.locator("text", has_text=stress).first).to_be_attached()
    persons = page.get_by_role("table", name="Betrokken personen")
    expect(persons.get_by_role("row", name="Leidend ambtenaar")).to_be_visible()
    screenshot("report-network")

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF downloaden").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    darkest, lightest = image.getextrema()
    inked = sum(image.histogram()[:128])
    assert darkest < 100 and lightest > 200 and inked > 2000, "the PDF's first page looks blank"
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        image.save(Path(folder) / "report-network-pdf.png")
