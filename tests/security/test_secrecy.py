"""R2, professional secrecy, as the operator would try to break it: with the whole database (every table's raw
bytes, a pg_dump on PostgreSQL, the SQLite file and its WAL), every Redis key, the logs, the workflow data and
every page an admin can open, a canary written into 1,000 dossiers is found nowhere; and the configuration with
the dump opens none of the sealed data. CI runs this on PostgreSQL and on SQLite (the suite runs twice)."""
from __future__ import annotations

import logging
import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pypdfium2
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from app.auth.accounts import create_api_token
from app.crypto import keys
from app.db import db
from app.dossiers import escalation
from app.dossiers import services as dossiers
from app.models import Dossier, DossierKey, DossierNote, Task, UserKey, WebSession
from tests.helpers import (
    ADMIN,
    AWV_CONFIDANT,
    AWV_PAPSY,
    AWV_SECRETARY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    OMG_SECRETARY,
    csrf_token,
    login,
    post_form,
    user,
)

CANARY = "Kanarie-7f3a Zwavelgele Parkiet"
COUNT = 1000


@pytest.fixture
def captured_logs(tmp_path):
    """Everything logged at any level while the test runs, into a file (as a server's log would be)."""
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    handler.close()


def fill(app, count: int, confidants: tuple[str, ...] = (OMG_CONFIDANT, AWV_CONFIDANT)) -> None:
    """``count`` dossiers with the canary in the requester, the note and (all are delicate: a group problem) the
    summary for the PAPSY, which also runs an escalation process per dossier."""
    with app.app_context():
        session = db.session()
        owners = [user(session, email) for email in confidants]
        for number in range(count):
            dossier = dossiers.register(session, owners[number % len(owners)], {
                "opened_on": date(2026, 1, 1) + timedelta(days=number % 300), "requester": f"{CANARY} {number}",
                "themes": ["bullying"], "persons": ["colleague", "group"], "interventions": ["listening"],
                "note": f"Gesprek met {CANARY}: {number}"})
            escalation.write_summary(session, owners[number % len(owners)], dossier,
                                     f"Samenvatting: {CANARY} ({number})")
            if number % 100 == 99:
                session.commit()
                owners = [user(session, email) for email in confidants]
        session.commit()
    db.session.remove()


def database_bytes(app, tmp_path: Path) -> bytes:
    """The operator's copy of the database: pg_dump, or the SQLite file with its WAL; plus every table read raw."""
    url = make_url(app.extensions["vertrouwd_settings"].database_url)
    chunks = []
    if url.get_backend_name() == "postgresql":
        dump = subprocess.run(["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                               "-U", url.username or "postgres", "-d", url.database],
                              capture_output=True, check=True, timeout=120)
        chunks.append(dump.stdout)
    else:
        for suffix in ("", "-wal", "-shm"):
            path = Path(url.database + suffix)
            if path.exists():
                chunks.append(path.read_bytes())
    with app.app_context():
        connection = db.session().connection()
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                chunks.append(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)).encode())
    db.session.remove()
    return b"\n".join(chunks)


def redis_bytes(redis_client) -> bytes:
    return b"\n".join(key + b"=" + (redis_client.dump(key) or b"") for key in redis_client.scan_iter(count=1000))


def admin_pages(app, email: str = ADMIN, minimum: int = 100) -> str:
    """Every page an admin (or ``email``) can try: each GET route without arguments, and the pages of (a sample
    of) every instance, task, outbox message, dossier, file and user by id, with the API by token."""
    client = app.test_client()
    login(client, email)
    with app.app_context():
        session = db.session()
        ids = {table: session.execute(text(f"SELECT id FROM {table} ORDER BY id LIMIT 50")).scalars().all()
               for table in ("process_instance", "task", "outbox_message", "dossier", "stored_file", "user_account")}
        token = {"Authorization": f"Bearer {create_api_token(session, user(session, email))}"}
        session.commit()
    db.session.remove()
    pages = [rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments
             and rule.endpoint != "static" and rule.rule not in ("/login/code", "/login/enrol")]
    pages += [f"/instances/{i}" for i in ids["process_instance"]] + [f"/tasks/{i}" for i in ids["task"]]
    pages += [f"/admin/outbox/{i}" for i in ids["outbox_message"]] + [f"/dossiers/{i}" for i in ids["dossier"]]
    pages += [f"/admin/users/{i}" for i in ids["user_account"]]
    pages += [f"/files/{i}" for i in ids["stored_file"]] + [f"/api/v1/process-instances/{i}" for i in ids["process_instance"]]
    pages += [f"/api/v1/tasks/{i}" for i in ids["task"]]
    assert len(pages) > minimum
    return "\n".join(readable(client.get(page, headers=token if page.startswith("/api/") else {})) for page in pages)


def readable(response) -> str:
    """A page's text; a PDF's as it reads (its bytes are compressed, so a canary would not show in them)."""
    if response.mimetype != "application/pdf":
        return response.get_data(as_text=True)
    document = pypdfium2.PdfDocument(response.get_data())
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def mail_setup_link(app, email: str) -> None:
    """A setup link mailed (SMTP configured: queued in the outbox, its send job in Redis), as an admin's reset does."""
    from app.auth import setup_links

    settings = app.extensions["vertrouwd_settings"]
    settings.smtp_host = "127.0.0.1"
    try:
        with app.app_context():
            session = db.session()
            account = user(session, email)
            assert setup_links.mail(session, account, setup_links.issue(session, account))
            session.commit()
        db.session.remove()
    finally:
        settings.smtp_host = None


def assert_nowhere(haystack: bytes, where: str) -> None:
    for needle in (CANARY, CANARY.lower(), "Zwavelgele Parkiet"):
        assert needle.encode() not in haystack, f"the canary is readable in {where}"
        assert needle.encode("utf-16-le") not in haystack, f"the canary is readable (UTF-16) in {where}"


def test_r2_a_canary_in_1000_dossiers_is_found_nowhere_the_operator_looks(app, tmp_path, redis_client, captured_logs):
    fill(app, COUNT)
    confidant = app.test_client()  # the web path too: register, open, search, a refused form
    login(confidant, OMG_CONFIDANT)
    created = post_form(confidant, "/dossiers/new", {"opened_on": "2026-11-02", "requester": CANARY,
                                                     "themes": "bullying", "persons": "colleague",
                                                     "interventions": "listening", "note": CANARY})
    assert created.status_code == 302
    assert CANARY in confidant.get(created.location).get_data(as_text=True), "its confidant reads it"
    page = confidant.get("/dossiers").get_data(as_text=True)
    found = confidant.post("/dossiers/search", data={"q": "zwavelgele", "csrf_token": csrf_token(page)})
    assert "501 dossiers gevonden" in found.get_data(as_text=True)
    papsy = app.test_client()  # the PAPSY reads one summary on the task page: the reading path is covered too
    login(papsy, OMG_PAPSY)
    with app.app_context():
        task_id = db.session().scalar(select(Task.id).where(Task.spec_name == "take_up", Task.entity_id == user(
            db.session(), OMG_CONFIDANT).entity_id).limit(1))
    db.session.remove()
    assert CANARY in papsy.get(f"/tasks/{task_id}").get_data(as_text=True), "the PAPSY reads the summary"
    refused = post_form(confidant, "/dossiers/new", {"opened_on": "2026-11-02", "requester": CANARY,
                                                     "themes": "bullying", "persons": "colleague",
                                                     "interventions": "conciliation", "note": CANARY})
    assert refused.status_code == 422
    mail_setup_link(app, AWV_CONFIDANT)  # the setup-link mail is in the sweep too (outbox, logs, Redis)

    with app.app_context():
        assert db.session().scalar(select(text("count(*)")).select_from(Dossier)) == COUNT + 1
    db.session.remove()
    database, logs, pages = database_bytes(app, tmp_path), captured_logs.read_bytes(), admin_pages(app)
    # Positive controls: each haystack holds what it should (the facts in clear, the SQL, the admin's pages).
    assert database.count(b"bullying") >= COUNT and b"INSERT INTO dossier" in logs and "Beheer" in pages
    # The escalations' instance pages are among them; confidential, an admin sees only that they exist.
    assert "Dit is een vertrouwelijk proces" in pages and '"model":"delicate_case"' in pages
    assert b"/setup/" in database, "positive control: the setup-link mail is in the outbox"
    assert_nowhere(database, "the database")
    assert_nowhere(redis_bytes(redis_client), "Redis")
    assert_nowhere(logs, "the logs")
    assert_nowhere(pages.encode(), "a page an admin can open")
    with app.app_context():
        workflow = db.session().execute(text("SELECT state_json FROM process_instance")).scalars().all()
        summaries = db.session().execute(text("SELECT count(*) FROM escalation_summary")).scalar()
    db.session.remove()
    assert len(workflow) == COUNT and summaries == COUNT, "each dossier escalated, each summary written"
    assert_nowhere(repr(workflow).encode(), "workflow data")
    for browser in (confidant, papsy):
        assert_nowhere("".join(cookie.value for cookie in browser._cookies.values()).encode(), "a cookie")


def test_r2_r9_the_employer_and_a_papsy_of_another_entity_find_nothing(app):
    """OMG dossiers only: what the OMG EOC secretary, the AWV PAPSY and the AWV secretary can open (every page and
    API answer they try, by id) shows no canary, and none of them learns the delicate cases' subject."""
    fill(app, 20, confidants=(OMG_CONFIDANT,))
    for email in (OMG_SECRETARY, AWV_PAPSY, AWV_SECRETARY):
        pages = admin_pages(app, email)
        assert_nowhere(pages.encode(), f"a page {email} can open")
        assert not re.search(r"Dossier \d|Delicate zaak #\d", pages), f"{email} learns of a delicate case"
    assert CANARY in admin_pages(app, OMG_PAPSY), "positive control: the entity's PAPSY reads the summaries"


def test_r2_the_configuration_with_the_dump_opens_nothing(app):
    fill(app, 20)
    client = app.test_client()
    login(client, OMG_CONFIDANT)  # a live session: its held key is in the database too
    settings = app.extensions["vertrouwd_settings"]
    with app.app_context():
        session = db.session()
        secret = settings.secret_key.encode()
        candidates = [secret, secret[:32].ljust(32, b"\0"), keys.KdfParams().encode().encode()]
        candidates += [bytes(row.public_key) for row in session.scalars(select(UserKey))]
        logged_in = select(WebSession).where(WebSession.user_id.is_not(None))
        candidates += [bytes(row.sealed_data)[-32:] for row in session.scalars(logged_in)]
        assert len(session.scalars(logged_in).all()) == 1
        for row in session.scalars(select(UserKey)):
            for guess in (settings.secret_key, "", row.kdf_params):
                with pytest.raises(keys.WrongPassword):
                    keys.open_private_key(keys.SealedKey(row.sealed_private, row.kdf_params), guess,
                                          f"user-key/{row.user_id}".encode())
        for row in session.scalars(select(DossierKey)):
            context = f"dossier/{row.dossier_id}/{row.reader}/{row.reader_id}".encode()
            for guess in candidates:
                if len(guess) == 32:
                    with pytest.raises(keys.CryptoError):
                        keys.unwrap_key(guess, bytes(row.wrapped), context)
        for note in session.scalars(select(DossierNote)):
            for guess in candidates:
                if len(guess) == 32:
                    with pytest.raises(keys.CryptoError):
                        keys.decrypt(guess, bytes(note.body_sealed), f"dossier/{note.dossier_id}/note".encode())
    db.session.remove()


def table_bytes(app) -> bytes:
    """Every row of every table, its binary columns as their raw bytes (a ciphertext is found as it is stored),
    and on PostgreSQL the pg_dump too."""
    url = make_url(app.extensions["vertrouwd_settings"].database_url)
    chunks = []
    if url.get_backend_name() == "postgresql":
        chunks.append(subprocess.run(["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                                      "-U", url.username or "postgres", "-d", url.database],
                                     capture_output=True, check=True, timeout=120).stdout)
    with app.app_context():
        connection = db.session().connection()
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                chunks += [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row]
    db.session.remove()
    return b"\n".join(chunks)


def test_m27_after_shredding_the_canarys_ciphertexts_and_their_wraps_are_nowhere_in_the_database(app, time_machine):
    """Crypto-shredding (M27): after the daily job shredded the canary's closed dossiers, not one byte string they
    were stored as (the sealed requester, notes and summaries, and every key wrap, the recovery key's too) is left in
    any table (nor in pg_dump on PostgreSQL)."""
    from zoneinfo import ZoneInfo

    from app import periodic
    from app.models.dossiers import EscalationState, EscalationSummary, SummaryKey

    time_machine.move_to("2026-12-01 10:00+01:00")
    fill(app, 20)
    with app.app_context():
        session = db.session()
        keepers = {keeper.id: keeper for keeper in (user(session, OMG_CONFIDANT), user(session, AWV_CONFIDANT))}
        for dossier in session.scalars(select(Dossier)).all():
            dossier.escalation_state = EscalationState.CONSULTED  # the PAPSY's consultation, recorded
            dossiers.close(session, keepers[dossier.confidant_id], dossier.id, date(2026, 11, 30), "resolved")
        sealed = [*session.scalars(select(Dossier.requester_sealed)), *session.scalars(select(DossierNote.body_sealed)),
                  *session.scalars(select(EscalationSummary.body_sealed)), *session.scalars(select(DossierKey.wrapped)),
                  *session.scalars(select(SummaryKey.wrapped))]
        session.commit()
    db.session.remove()
    sealed = [bytes(value) for value in sealed]
    assert len(sealed) >= 20 * 5, "requester, note, summary, 2 dossier wraps, 3 summary wraps each"
    before = table_bytes(app)
    assert all(value in before for value in sealed), "positive control: the scan finds the stored bytes"

    for moment in ("2031-10-31 03:00+01:00", "2031-11-30 03:00+01:00"):  # the notice, then 30 days later
        time_machine.move_to(moment)
        assert periodic.run_due(db.session, ZoneInfo("Europe/Brussels"), ["retention.daily"]) == ["retention.daily"]
    db.session.remove()
    after = table_bytes(app)
    assert b"shred" in after and after.count(b"bullying") >= 20, "positive control: the audit and the facts stay"
    assert [value for value in sealed if value in after] == [], "a ciphertext or a key wrap survived the shredding"
    assert_nowhere(after, "the database after shredding")
def test_r2_r19_a_handed_over_canary_is_read_by_its_receiver_only_and_its_former_keeper_keeps_no_key(app,
                                                                                                  time_machine):
    """The OMG confidant lays down her role and hands a canary dossier over to her colleague through the web page:
    the colleague reads it; she, the PAPSY, the employer and an admin find it nowhere; after the effective date no
    key of hers is left (the recovery key's wrap stays)."""
    from app.crypto import user_keys
    from app.demo import DEMO_PASSWORD
    from app.lifecycle import resignation
    from app.models import ConsultationKey, SummaryKey
    from tests.helpers import fire_due

    colleague = "koen.maes@omgeving.vlaanderen.example"
    time_machine.move_to("2026-12-01 10:00")
    with app.app_context():
        session = db.session()
        for email in (OMG_CONFIDANT, colleague, OMG_PAPSY):
            user_keys.create_for(session, user(session, email), DEMO_PASSWORD)
        keeper = user(session, OMG_CONFIDANT)
        dossier_id = dossiers.register(session, keeper, {
            "opened_on": date(2026, 11, 2), "requester": CANARY, "themes": ["bullying"], "persons": ["colleague"],
            "interventions": ["listening"], "note": f"Gesprek met {CANARY}"}).id
        resignation.start_resignation(session, keeper, date(2026, 12, 20))
        receiver_id, keeper_id = user(session, colleague).id, keeper.id
        session.commit()
    db.session.remove()
    outgoing = app.test_client()
    login(outgoing, OMG_CONFIDANT)
    handed = outgoing.post(f"/role-endings/mine/dossiers/{dossier_id}/hand-over", data={
        "receiver": str(receiver_id), "consent_on": "2026-11-30", "consent_way": "phone",
        "csrf_token": csrf_token(outgoing.get("/role-endings/mine/dossiers").get_data(as_text=True))})
    assert handed.status_code == 302
    reader = app.test_client()
    login(reader, colleague)
    assert CANARY in reader.get(f"/dossiers/{dossier_id}").get_data(as_text=True), "the receiver reads it"
    assert outgoing.get(f"/dossiers/{dossier_id}").status_code == 404
    for email in (OMG_CONFIDANT, OMG_PAPSY, OMG_SECRETARY, ADMIN):
        assert_nowhere(admin_pages(app, email, minimum=50).encode(), f"a page {email} can open after the hand-over")

    with app.app_context():
        session = db.session()
        fire_due(session, time_machine, datetime(2026, 12, 19, 23, 5, tzinfo=timezone.utc))
        left = [session.scalar(select(text("count(*)")).select_from(model).where(
            model.reader_id == keeper_id, model.reader != "recovery")) for model in (DossierKey, SummaryKey,
                                                                                     ConsultationKey)]
        recovery = session.scalar(select(text("count(*)")).select_from(DossierKey).where(
            DossierKey.dossier_id == dossier_id, DossierKey.reader == "recovery"))
        session.close()  # firing the timers ended the thread's session: this object is no longer the registry's
    db.session.remove()
    assert left == [0, 0, 0] and recovery == 1


def test_r2_r14_a_dossier_shared_with_a_stand_in_opens_for_them_alone_and_not_after_the_period(
        app, tmp_path, redis_client, captured_logs):
    """The OMG confidant, inactive with Koen as stand-in, shares two of her three canary dossiers with him (the
    requesters consented), one through the dossier page. Koen reads those two and not the third; the database, Redis,
    the logs, the workflow data, the cookies and every page the admin and the PAPSY can open hold no canary. Once she
    ends her period, Koen's wraps are gone and his pages show the canary no more."""
    from app.crypto import user_keys
    from app.demo import DEMO_PASSWORD
    from app.dossiers import sharing
    from app.dossiers.services import today
    from app.lifecycle import inactivity
    from app.lifecycle.inactivity import Report
    from app.models import Confidant

    koen_email = "koen.maes@omgeving.vlaanderen.example"
    fill(app, 20, confidants=(AWV_CONFIDANT,))  # other entity's cases: pages enough for the sweeps to mean something
    with app.app_context():
        session = db.session()
        sofie, koen = user(session, OMG_CONFIDANT), user(session, koen_email)
        sofie_key = user_keys.create_for(session, sofie, DEMO_PASSWORD)
        user_keys.create_for(session, koen, DEMO_PASSWORD)
        ids = [dossiers.register(session, sofie, {
            "opened_on": date(2026, 1, 5), "requester": f"{CANARY} {number}", "themes": ["bullying"],
            "persons": ["colleague"], "interventions": ["listening"], "note": f"Gesprek met {CANARY}"}).id
            for number in range(3)]
        stand_in = session.scalar(select(Confidant).where(Confidant.email == koen_email))
        period = inactivity.report(session, sofie, Report(today(), today() + timedelta(days=5), stand_in.id))
        sharing.share_with_stand_in(session, sofie, sofie_key, ids[0], koen, today(), "in_person", period.id)
        period_id = period.id
        session.commit()
    db.session.remove()
    keeper = app.test_client()
    login(keeper, OMG_CONFIDANT)
    page = keeper.get(f"/dossiers/{ids[1]}").get_data(as_text=True)
    assert "Delen met Koen Maes" in page
    shared = keeper.post(f"/dossiers/{ids[1]}/stand-in", data={
        "period": period_id, "consent_on": date(2026, 2, 1).isoformat(), "consent_way": "phone",
        "csrf_token": csrf_token(page)})
    assert shared.status_code == 302
    reader = app.test_client()
    login(reader, koen_email)
    assert f"/stand-in/dossiers/{ids[0]}" in reader.get("/availability").get_data(as_text=True)
    for dossier_id in ids[:2]:
        assert CANARY in reader.get(f"/stand-in/dossiers/{dossier_id}").get_data(as_text=True), "the stand-in reads"
    assert reader.get(f"/stand-in/dossiers/{ids[2]}").status_code == 404, "not shared: not his"

    database, logs = database_bytes(app, tmp_path), captured_logs.read_bytes()
    assert b"stand_in" in database, "positive control: the stand-in's wraps are in the copy"
    assert_nowhere(database, "the database")
    assert_nowhere(redis_bytes(redis_client), "Redis")
    assert_nowhere(logs, "the logs")
    for email in (ADMIN, OMG_PAPSY):
        assert_nowhere(admin_pages(app, email).encode(), f"a page {email} can open")
    with app.app_context():
        workflow = db.session().execute(text("SELECT state_json FROM process_instance")).scalars().all()
    db.session.remove()
    assert workflow and all(CANARY not in state for state in workflow)
    for browser in (keeper, reader):
        assert_nowhere("".join(cookie.value for cookie in browser._cookies.values()).encode(), "a cookie")

    page = keeper.get("/availability").get_data(as_text=True)
    assert keeper.post(f"/availability/{period_id}/end", data={"csrf_token": csrf_token(page)}).status_code == 302
    for dossier_id in ids[:2]:
        gone = reader.get(f"/stand-in/dossiers/{dossier_id}")
        assert gone.status_code == 404 and CANARY not in gone.get_data(as_text=True)
    assert_nowhere(admin_pages(app, koen_email).encode(), "a page the former stand-in can open")
    with app.app_context():
        left = db.session().execute(text("SELECT count(*) FROM dossier_key WHERE reader = 'stand_in'")).scalar()
    db.session.remove()
    assert left == 0
