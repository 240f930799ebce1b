"""The report tests' fixtures (tests/reports/support.py)."""
from __future__ import annotations

import pytest

from tests.reports.support import NOW, arrange


@pytest.fixture
def reported(session, time_machine) -> dict:
    time_machine.move_to(NOW)
    return arrange(session)
