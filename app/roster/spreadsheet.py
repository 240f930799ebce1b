"""CSV for the spreadsheets of the Flemish government: Excel set to Dutch (Belgium) takes the comma as decimal sign
and the semicolon as list separator, and reads UTF-8 only after a byte order mark. So every CSV of the roster is
UTF-8 with a BOM, semicolon-separated, with CRLF line ends; a cell that starts like a formula gets an apostrophe."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from app.intervision.compliance_export import safe_cell

DELIMITER = ";"


class Verbatim(str):
    """A cell known to hold no formula (a phone number in the validated characters, "+32 2 553 01 23"): as it is."""


def csv_text(header: list[str], rows: Iterable[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([cell if isinstance(cell, Verbatim) else safe_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()
