"""A report as CSV and PDF: the same suppressed numbers as the page ("< K" where a count is hidden)."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from app.reports.pdf import render_pdf
from app.reports.views import Report, Section, period_name, scope_name


def shown(cell, k: int) -> str:
    return cell.display(k)


def file_name(report: Report) -> str:
    scope = report.selection.entity.code if report.selection.entity else "netwerk"
    quarter = f"-k{report.selection.quarter}" if report.selection.quarter else ""
    return f"rapport-{scope}-{report.selection.year}{quarter}".lower()


def _sections(report: Report) -> list[Section]:
    return ([report.per_entity] if report.per_entity else []) + list(report.sections) + [report.trend]


def csv_text(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Rapport"), scope_name(report.selection), period_name(report.selection)])
    writer.writerow([_("Onderdeel"), _("Waarde"), _("Aantal dossiers")])
    writer.writerow([_("Dossiers"), _("geopend in de periode"), shown(report.dossiers, report.k)])
    for section in _sections(report):
        for row in section.rows:
            writer.writerow([section.title, _safe(row.label), shown(row.cell, report.k)])
    writer.writerow([])
    writer.writerow([_("Een aantal onder %(k)s en wat het zou verraden, staat als \"< %(k)s\".", k=report.k)])
    return buffer.getvalue()


def _safe(text: str) -> str:
    """A spreadsheet runs a cell that starts with = + - @ as a formula; our labels never do, but make sure."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def pdf_bytes(html: str) -> bytes:
    return render_pdf(html)
