"""M27 retention, with the clock moved: a closed dossier's confidant is told 30 days before its retention ends, then
the daily job crypto-shreds it (every ciphertext and every key wrap, the recovery key's too; the categorical facts
stay); a PAPSY's legal hold stops both until it is lifted; every step is in the audit log."""
from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app import periodic
from app.config import Settings
from app.db import db
from app.dossiers import audit
from app.dossiers import services as dossiers
from app.models import (
    AuditEntry,
    Consultation,
    ConsultationKey,
    Dossier,
    DossierFact,
    DossierKey,
    DossierNote,
    OutboxMessage,
)
from app.models.dossiers import EscalationSummary, LegalHold, SummaryKey, SummaryShare
from app.retention import holds, services
from app.retention.holds import NoSuchDossier
from app.retention.services import RetentionRefused
from tests.helpers import ADMIN, AWV_PAPSY, OMG_CONFIDANT, OMG_PAPSY, user
from tests.retention.support import CANARY, at, facts

BRUSSELS = ZoneInfo("Europe/Brussels")
SECRET_TABLES = (DossierNote, EscalationSummary, SummaryKey, SummaryShare, Consultation, ConsultationKey, DossierKey)


def run_daily() -> list[str]:
    ran = periodic.run_due(db.session, BRUSSELS, ["retention.daily"])
    db.session().expire_all()
    return ran


def secrets_of(session, dossier_id: int) -> dict[str, int]:
    """How many rows of each kind of secret the dossier still has (its sealed requester counts as one)."""
    summaries = select(EscalationSummary.id).where(EscalationSummary.dossier_id == dossier_id)
    consultations = select(Consultation.id).where(Consultation.dossier_id == dossier_id)
    where = {DossierNote: DossierNote.dossier_id == dossier_id, DossierKey: DossierKey.dossier_id == dossier_id,
             EscalationSummary: EscalationSummary.dossier_id == dossier_id,
             Consultation: Consultation.dossier_id == dossier_id,
             SummaryKey: SummaryKey.summary_id.in_(summaries), SummaryShare: SummaryShare.summary_id.in_(summaries),
             ConsultationKey: ConsultationKey.consultation_id.in_(consultations)}
    counts = {table.__tablename__: session.scalar(select(func.count()).select_from(table).where(where[table]))
              for table in SECRET_TABLES}
    counts["requester_sealed"] = int(session.get(Dossier, dossier_id).requester_sealed is not None)
    return counts


def actions(session, dossier_id: int) -> list[tuple[int | None, str]]:
    return session.execute(select(AuditEntry.actor_id, AuditEntry.action).where(AuditEntry.dossier_id == dossier_id)
                           .order_by(AuditEntry.id)).all()


def test_m27_told_30_days_before_then_shredded_every_secret_and_wrap_gone_the_facts_kept(session, closed,
                                                                                         time_machine):
    delicate, plain = closed["delicate"], closed["plain"]
    before = secrets_of(session, delicate)
    assert all(before.values()) and before["dossier_key"] == 3, "positive control: owner, recovery and stand-in"
    facts_before = session.execute(select(DossierFact.kind, DossierFact.value).where(
        DossierFact.dossier_id == delicate).order_by(DossierFact.id)).all()

    time_machine.move_to(at("2031-10-30"))  # retention ends 30 Nov 2031: 31 days ahead, nobody told yet
    assert run_daily() == ["retention.daily"]
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    time_machine.move_to(at("2031-10-31"))
    run_daily()
    [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "retention_notice")).all()
    assert mail.to_address == OMG_CONFIDANT and "30 nov. 2031" in mail.subject
    assert f"Dossier {plain}, geopend op 2 nov. 2026" in mail.body and f"Dossier {delicate}," in mail.body
    assert CANARY not in mail.subject + mail.body
    assert session.get(Dossier, delicate).retention_notice_on == date(2031, 10, 31)

    time_machine.move_to(at("2031-11-29"))
    run_daily()
    assert secrets_of(session, delicate) == before, "not a day early"
    time_machine.move_to(at("2031-11-30", 1))  # 01:00: before the job's hour, nothing runs
    assert run_daily() == []
    time_machine.move_to(at("2031-11-30"))
    run_daily()
    for dossier_id in (plain, delicate):
        assert not any(secrets_of(session, dossier_id).values()), "every ciphertext and every wrap, recovery included"
        assert (None, "shred") in actions(session, dossier_id)
    shredded = session.get(Dossier, delicate)
    assert shredded.shredded_at is not None and (shredded.closed_on, shredded.outcome) == (date(2026, 11, 30),
                                                                                          "resolved")
    assert session.execute(select(DossierFact.kind, DossierFact.value).where(DossierFact.dossier_id == delicate)
                           .order_by(DossierFact.id)).all() == facts_before, "the categorical facts stay"

    time_machine.move_to(at("2031-12-01"))
    run_daily()
    assert [a for a in actions(session, delicate) if a[1] == "shred"] == [(None, "shred")], "shredded once"
    assert services.shred(session, shredded) is False
    view = dossiers.read(session, user(session, OMG_CONFIDANT), delicate, closed["key"])
    assert view.shredded and (view.requester, view.notes, view.consultation) == ("", [], None)
    assert audit.verify(session).intact


def test_m27_a_legal_hold_stops_notice_and_shredding_until_lifted_then_a_fresh_notice_first(session, closed,
                                                                                             time_machine):
    delicate, plain = closed["delicate"], closed["plain"]
    papsy = user(session, OMG_PAPSY)
    time_machine.move_to(at("2031-10-01"))
    with pytest.raises(RetentionRefused):
        holds.set_hold(session, papsy, delicate, "kort")  # a reason of 10 to 500 characters
    for outsider in (AWV_PAPSY, ADMIN, OMG_CONFIDANT):
        with pytest.raises(NoSuchDossier):
            holds.set_hold(session, user(session, outsider), delicate, "Gerechtelijke procedure loopt")
    holds.set_hold(session, papsy, delicate, "  Gerechtelijke   procedure loopt ")
    with pytest.raises(RetentionRefused):
        holds.set_hold(session, papsy, delicate, "Nog een gerechtelijke procedure")
    session.commit()
    assert services.active_hold(session, delicate).reason == "Gerechtelijke procedure loopt"

    for day in ("2031-10-31", "2031-11-30", "2031-12-15"):
        time_machine.move_to(at(day))
        run_daily()
    assert session.get(Dossier, delicate).retention_notice_on is None, "a held dossier is not even announced"
    assert all(secrets_of(session, delicate).values()) and session.get(Dossier, plain).shredded_at is not None

    holds.lift_hold(session, papsy, delicate)
    with pytest.raises(RetentionRefused):
        holds.lift_hold(session, papsy, delicate)
    session.commit()
    time_machine.move_to(at("2031-12-16"))
    run_daily()
    assert session.get(Dossier, delicate).retention_notice_on == date(2031, 12, 16), "past its date: told first"
    time_machine.move_to(at("2032-01-14"))
    run_daily()
    assert all(secrets_of(session, delicate).values()), "never shredded sooner than 30 days after the notice"
    time_machine.move_to(at("2032-01-15"))
    run_daily()
    assert not any(secrets_of(session, delicate).values())
    assert [action for _, action in actions(session, delicate)][-3:] == ["legal_hold", "lift_legal_hold", "shred"]
    assert session.scalar(select(LegalHold.lifted_by_id)) == papsy.id
    with pytest.raises(RetentionRefused):  # nothing left to hold
        holds.set_hold(session, papsy, delicate, "Gerechtelijke procedure loopt")


def test_m27_a_hold_set_after_the_notice_and_lifted_after_the_date_lets_the_next_run_shred(session, closed,
                                                                                           time_machine):
    papsy, plain = user(session, OMG_PAPSY), closed["plain"]
    time_machine.move_to(at("2031-10-31"))
    run_daily()
    holds.set_hold(session, papsy, plain, "Vordering van het arbeidsauditoraat")
    session.commit()
    time_machine.move_to(at("2031-12-10"))
    run_daily()
    assert session.get(Dossier, plain).shredded_at is None
    holds.lift_hold(session, papsy, plain)
    session.commit()
    time_machine.move_to(at("2031-12-11"))
    run_daily()
    assert session.get(Dossier, plain).shredded_at is not None, "told on 31 Oct, more than 30 days ago"
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1, "no second notice"


def test_m27_a_deactivated_confidants_notice_goes_to_the_papsy_of_the_entity(session, closed, time_machine):
    user(session, OMG_CONFIDANT).active = False
    session.commit()
    time_machine.move_to(at("2031-10-31"))
    run_daily()
    [mail] = session.scalars(select(OutboxMessage)).all()
    assert mail.to_address == OMG_PAPSY and "/retention" in mail.body and "Departement Omgeving" in mail.body


def test_m27_retention_is_counted_in_calendar_years_29_february_never_early():
    assert services.shred_on(date(2024, 2, 29), 5) == date(2029, 3, 1)
    assert services.shred_on(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert services.shred_on(date(2026, 11, 30), 5) == date(2031, 11, 30)
    closing = [date(2023, 1, 1) + timedelta(days=n) for n in range(3 * 366)]
    for years in (1, 4, 5):
        for day in [date(2028, 1, 1) + timedelta(days=n) for n in range(800)]:
            expected = max((c for c in closing if services.shred_on(c, years) <= day), default=None)
            if expected is not None and expected < closing[-1]:
                assert services.closed_by(day, years) == expected, (years, day)


@pytest.mark.parametrize("value", ["0", "-1", "2.5", "vijf", "101"])
def test_m27_dossier_retention_years_must_be_a_whole_number_of_years(monkeypatch, value):
    monkeypatch.setenv("DOSSIER_RETENTION_YEARS", value)
    with pytest.raises(ValueError, match="DOSSIER_RETENTION_YEARS"):
        Settings(database_url="sqlite://", secret_key="s", totp_key="t", audit_key="a")


def test_m27_dossier_retention_years_defaults_to_5(monkeypatch):
    monkeypatch.delenv("DOSSIER_RETENTION_YEARS", raising=False)
    assert Settings(database_url="sqlite://", secret_key="s", totp_key="t", audit_key="a").dossier_retention_years == 5
    monkeypatch.setenv("DOSSIER_RETENTION_YEARS", "7")
    assert Settings(database_url="sqlite://", secret_key="s", totp_key="t", audit_key="a").dossier_retention_years == 7


def test_m27_an_open_dossier_is_never_shredded(session, closed):
    sofie = user(session, OMG_CONFIDANT)
    running = dossiers.register(session, sofie, facts(["stress"], ["colleague"]))
    with pytest.raises(RetentionRefused):
        services.shred(session, running)
    assert services.shred_many(session, [running.id]) == []


def test_m27_the_papsy_overview_lists_their_entities_nearing_or_held_dossiers_only(session, closed, time_machine):
    from app.retention import overview

    time_machine.move_to(at("2031-09-01"))
    omg, awv = user(session, OMG_PAPSY), user(session, AWV_PAPSY)
    assert overview.page_for(session, omg, "90", date(2031, 8, 31)) == ([], 0), "30 Nov 2031 is 91 days off"
    holds.set_hold(session, omg, closed["plain"], "Gerechtelijke procedure loopt")
    [row], total = overview.page_for(session, omg, "90", date(2031, 8, 31))
    assert (row.id, row.entity, row.hold_reason, total) == (closed["plain"], "Departement Omgeving",
                                                            "Gerechtelijke procedure loopt", 1)
    rows, total = overview.page_for(session, omg, "90", date(2031, 9, 1))
    assert [r.id for r in rows] == [closed["plain"], closed["delicate"]] and rows[1].shred_on == date(2031, 11, 30)
    assert overview.page_for(session, awv, "all", date(2031, 9, 2)) == ([], 0), "another entity's PAPSY"
    assert overview.page_for(session, user(session, ADMIN), "all", date(2031, 9, 2)) == ([], 0)
    assert overview.parse_horizon("morgen")[0] == "90" and overview.parse_horizon("morgen")[1]
