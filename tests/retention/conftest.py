"""The retention tests' fixtures (tests/retention/support.py)."""
from __future__ import annotations

import pytest

from tests.retention.support import arrange_closed


@pytest.fixture
def closed(session, time_machine) -> dict[str, int]:
    """Closed on 30 Nov 2026 by the OMG confidant: a plain dossier and a delicate one with every kind of secret."""
    return arrange_closed(session, time_machine)
