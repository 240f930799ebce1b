"""R7 reports on real data: per year and quarter, for the network and per entity, every count suppressed and the
pages, exports and the year's quarters all slices of one suppression."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.clock import now
from app.crypto import contexts, keys, user_keys
from app.demo import DEMO_PASSWORD
from app.models import Dossier, DossierKey, ReportSnapshot
from app.models.dossiers import ReaderKind
from app.reports import counts, services
from app.reports.dimensions import BY_KEY, DIMENSIONS
from app.reports.suppression import TOTAL
from tests.reports.support import TODAY

K = 5


def _opened_in(session, year: int, entity_code: str | None = None) -> int:
    from app.models import Entity
    query = select(func.count(Dossier.id)).where(Dossier.opened_on >= date(year, 1, 1),
                                                 Dossier.opened_on < date(year + 1, 1, 1))
    if entity_code:
        query = query.join(Entity, Entity.id == Dossier.entity_id).where(Entity.code == entity_code)
    return session.scalar(query)


def test_r7_no_published_count_below_k_and_small_entities_only_as_a_group(session, reported):
    result = services.year_result(session, 2025, K, TODAY)
    assert result.quarters == (1, 2, 3, 4)
    assert "KLN" not in result.columns and "KLN" in result.grouped and services.OTHER in result.columns
    assert all(cell.suppressed or not 1 <= cell.value < K for cell in result.entries.values())
    assert all(cell.value is None for cell in result.entries.values() if cell.suppressed)
    assert result.dossiers(services.YEAR).value == _opened_in(session, 2025)
    assert result.dossiers(services.YEAR, services.OTHER).suppressed  # 3 dossiers: hidden, and not derivable
    omg = result.dossiers(services.YEAR, "OMG")
    assert omg.suppressed or omg.value == _opened_in(session, 2025, "OMG")


def test_r7_the_year_is_the_sum_of_its_quarters_where_all_are_shown(session, reported):
    result = services.year_result(session, 2025, K, TODAY)
    checked = 0
    for dimension in DIMENSIONS:
        for row in dimension.rows:
            quarters = [result.cell(dimension.key, quarter, row, TOTAL) for quarter in result.quarters]
            year = result.cell(dimension.key, services.YEAR, row, TOTAL)
            if not year.suppressed and not any(cell.suppressed for cell in quarters):
                assert year.value == sum(cell.value for cell in quarters)
                checked += 1
            hidden = [cell for cell in quarters if cell.suppressed]
            assert len(hidden) + year.suppressed != 1  # year minus the other quarters never isolates one
    assert checked > 10


def test_r7_the_running_year_is_not_reported_and_a_year_appears_on_1_february(session, reported):
    """The year so far, subtracted from itself a quarter later, would isolate the dossiers in between."""
    with pytest.raises(services.ReportUnavailable):
        services.year_result(session, 2026, K, TODAY)
    assert services.available_years(TODAY, counts.year_versions(session)) == [2025]
    assert services.available_years(date(2027, 1, 31), counts.year_versions(session)) == [2025]
    assert services.available_years(date(2027, 2, 1), counts.year_versions(session)) == [2026, 2025]
    assert services.year_result(session, 2026, K, date(2027, 2, 1)).quarters == (1, 2, 3, 4)


def test_r7_a_published_year_never_changes_and_its_snapshot_holds_no_hidden_count(session, reported):
    """A late change to a published year's dossiers changes nothing shown: two copies of a report never differ."""
    first = services.year_result(session, 2025, K, TODAY)
    assert services.year_result(session, 2025, K, TODAY) is first
    dossier = session.scalar(select(Dossier).where(Dossier.opened_on >= date(2025, 1, 1),
                                                   Dossier.opened_on < date(2026, 1, 1)).limit(1))
    dossier.opened_on, dossier.updated_at = date(2024, 6, 1), now()  # moved out of 2025, as a save does
    session.commit()
    services.clear_cache()  # another process, which reads the stored snapshot
    second = services.year_result(session, 2025, K, TODAY)
    assert second is not first and second.entries == first.entries
    snapshot = session.scalars(select(ReportSnapshot).where(ReportSnapshot.year == 2025)).one()
    assert all(len(entry) == 4 for entry in snapshot.content["hidden"])  # a key, never a value
    assert len(snapshot.content["hidden"]) == sum(cell.suppressed for cell in first.entries.values()) > 0


def test_r7_demo_dossiers_are_really_sealed_for_their_confidant(session, reported):
    dossier = session.scalar(select(Dossier).where(Dossier.requester_sealed.is_not(None)).order_by(Dossier.id)
                             .limit(1))
    owner = session.get(DossierKey, (dossier.id, ReaderKind.OWNER.value, dossier.confidant_id))
    from app.models import User
    private = user_keys.unlock(session, session.get(User, dossier.confidant_id), DEMO_PASSWORD)
    data_key = keys.unwrap_key(private, owner.wrapped, contexts.data_key_for(dossier.id, ReaderKind.OWNER,
                                                                             dossier.confidant_id))
    assert keys.decrypt(data_key, dossier.requester_sealed, contexts.dossier_field(dossier.id, "requester")) == \
        f"Verzoeker {dossier.id}"
    assert session.scalar(select(func.count()).select_from(DossierKey).where(DossierKey.dossier_id == dossier.id)) == 2


def test_r7_multi_valued_themes_count_dossiers_not_the_sum(session, reported):
    result = services.year_result(session, 2025, K, TODAY)
    themes = result.one_way(BY_KEY["themes"], services.YEAR)
    shown = [cell.value for cell in themes.cells.values() if not cell.suppressed]
    assert sum(shown) > themes.total.value  # a dossier has up to two themes
