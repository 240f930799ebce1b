"""What the areas' authorization matrices (tests/web/test_*_authorization.py) share: their cells, and the fixtures
that let a test log in as many actors as it needs. A matrix module imports the fixtures by name to use them."""
from __future__ import annotations

import pytest

from tests.web.test_authorization_matrix import ACTORS


def cells(matrix: list[tuple], id_columns: tuple[int, ...] = (0, 2)) -> list:
    """One test per row and actor: (row, actor, expected), named by the row's method and URL (and ``id_columns``)."""
    return [pytest.param(row, actor, expected, id=" ".join([*(str(row[column]) for column in id_columns), actor]))
            for row in matrix for actor, expected in zip(ACTORS, row[5:], strict=True)]


@pytest.fixture
def app(app):
    app.extensions["vertrouwd_settings"].login_rate_limit = "1000 per minute"  # tests log in often
    return app


@pytest.fixture
def store(store):
    """Ends this object's transaction too: a request replaced the thread's session, and on PostgreSQL an idle
    transaction would block the next test's TRUNCATE."""
    yield store
    store.rollback()
