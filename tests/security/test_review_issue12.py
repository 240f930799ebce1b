"""Security review of issue 12 (the confidant's life in the network): one test per finding, each asserting the SAFE
behaviour, so that it fails while the hole is there. What each proves is in its docstring; the review's report
(severity, route, fix) names the test."""
from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.auth import policy
from app.auth.accounts import assign_papsy, ensure_user
from app.crypto import user_keys
from app.demo import DEMO_PASSWORD
from app.dossiers import escalation, recovery_process, summary_sharing
from app.dossiers import services as dossiers
from app.dossiers.services import NotYours
from app.engine.errors import InvalidData
from app.library import content
from app.lifecycle import handover, inactivity, inactivity_dossiers, resignation
from app.lifecycle.inactivity import Report
from app.lifecycle.resignation_effective import make_effective
from app.models import (
    BookingStatus,
    Confidant,
    ConfidantStatus,
    DossierKey,
    LibraryDocument,
    LibraryFolder,
    Role,
    RoomBooking,
    Task,
    TaskState,
)
from app.models.dossiers import LegalHold
from app.models.lifecycle import EndingState, RoleEnding
from app.workflow import services as workflow
from tests.dossiers.test_dossier_rules import facts
from tests.helpers import (
    ADMIN,
    AWV_PAPSY,
    OMG_CONFIDANT,
    OMG_PAPSY,
    delicate_case,
    entity,
    fire_due,
    user,
)
from tests.library.files import folder, publish, upload
from tests.room.room_data import ask, working_day
from tests.web.matrix_support import app, store  # noqa: F401 (the fixtures app and store)
from tests.web.test_authorization_matrix import as_actor, session_csrf

KOEN = "koen.maes@omgeving.vlaanderen.example"
JAN = "jan.nieuw@omgeving.vlaanderen.example"


def confidant_row(session, email: str) -> Confidant:
    return session.scalar(select(Confidant).where(Confidant.user_id == user(session, email).id))


def with_keys(session, *emails: str) -> dict[str, bytes]:
    return {email: user_keys.create_for(session, user(session, email), DEMO_PASSWORD) for email in emails}


# ---- Laying down the role (R19) ----

def test_r19_a_removal_does_not_run_on_the_secretarys_word_that_the_confidant_agrees(app, store):
    """POST /role-endings/removal with confidant_agrees=yes and no date of the representatives' agreement starts the
    removal at once: the EOC secretary alone declares the confidant's consent, the confidant is never asked, and
    only the secretary can withdraw it (policy.can_withdraw_role_ending). R19: against the confidant's will a
    removal needs the prior agreement of all employee representatives. Safe: such a removal waits for the
    confidant's own confirmation (not running yet), or at least the confidant can stop it."""
    koen = confidant_row(store, KOEN)
    koen_id = koen.id
    store.commit()
    client, _ = as_actor(app, store, "omg_secretary", api=False)
    later = (resignation.today() + timedelta(days=30)).isoformat()
    response = client.post("/role-endings/removal", data={
        "confidant": str(koen_id), "effective_on": later, "confidant_agrees": "yes",
        "csrf_token": session_csrf(client, "omg_secretary")})
    assert response.status_code in (200, 302, 422)
    store.expire_all()
    ending = store.scalar(select(RoleEnding).where(RoleEnding.confidant_id == koen_id))
    assert ending is not None
    running_on_the_secretarys_word = ending.state == EndingState.OPEN and ending.representatives_agreed_on is None
    assert not running_on_the_secretarys_word or policy.can_withdraw_role_ending(user(store, KOEN), ending), \
        "a removal runs on the secretary's say-so, and the confidant cannot stop it"


def test_r2_an_admin_who_is_also_a_papsy_receives_no_dossier_and_opens_none(session, time_machine):
    """handover.receivers / policy.can_receive_dossier / can_hold_dossiers / can_open_dossier never exclude the ADMIN
    role, and `vertrouwd user add --role admin --role papsy` is allowed (only admin+confidant is refused): such an
    account is offered as a receiver, gets the dossier's key and reads the narrative. The design says admins never
    read dossiers (policy.can_open_dossier's own docstring: "never an admin's")."""
    time_machine.move_to("2026-12-01 10:00")
    operator = ensure_user(session, "beheer.papsy@gdpb.vlaanderen.example", "Beheerder Papsy",
                           [Role.ADMIN, Role.PAPSY], password=DEMO_PASSWORD)
    assign_papsy(session, operator, entity(session, "OMG"))
    keys = with_keys(session, OMG_CONFIDANT)
    sofie = user(session, OMG_CONFIDANT)
    dossier_id = dossiers.register(session, sofie, facts()).id
    ending = resignation.start_resignation(session, sofie, date(2026, 12, 20))
    session.commit()
    assert operator.id not in {receiver.user_id for receiver in handover.receivers(session, ending)}
    with pytest.raises(InvalidData):
        handover.hand_over(session, sofie, keys[OMG_CONFIDANT], dossier_id, operator.id, date(2026, 11, 30), "phone")
    session.rollback()
    assert not policy.can_open_dossier(operator, operator.id)


def test_r9_a_pending_summary_share_follows_the_dossier_to_its_next_keeper(session, time_machine):
    """A late delicate case taken up by another PAPSY leaves a SummaryShare waiting for the keeper's key
    (confidant_id = the keeper). sharing.hand_over moves the summary key to the receiver but leaves the pending share
    on the former keeper, who can no longer open the summary: the PAPSY who took the case up never gets it (and a
    PAPSY receiver never runs dossiers.routes.share_summaries_taken_up at all). Safe: after the hand-over and the
    new keeper's next request, the PAPSY who took the case up reads the summary."""
    time_machine.move_to(datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc))
    dossier_id, instance_id = delicate_case(session, "Samenvatting-kanarie")
    fire_due(session, time_machine, datetime(2026, 12, 2, 23, 0, 1, tzinfo=timezone.utc))  # offered to every PAPSY
    take_up = session.scalar(select(Task.id).where(Task.instance_id == instance_id, Task.spec_name == "take_up",
                                                   Task.state == TaskState.READY))
    hilde = user(session, AWV_PAPSY)
    summary_sharing.take_up(session, hilde, take_up)
    session.commit()
    koen_key = with_keys(session, KOEN)[KOEN]
    sofie = user(session, OMG_CONFIDANT)
    sofie_key = user_keys.unlock(session, sofie, DEMO_PASSWORD)
    resignation.start_resignation(session, sofie, date(2026, 12, 20))
    handover.hand_over(session, sofie, sofie_key, dossier_id, user(session, KOEN).id, date(2026, 12, 2), "phone")
    session.commit()
    summary_sharing.share_pending(session, user(session, KOEN), koen_key)  # the new keeper's next request
    session.commit()
    hilde = user(session, AWV_PAPSY)
    assert escalation.read_summary(session, hilde, dossier_id, user_keys.unlock(session, hilde, DEMO_PASSWORD)) \
        == "Samenvatting-kanarie"


def test_r19_dossiers_left_open_at_the_effective_date_can_still_be_recovered(session, time_machine):
    """On the effective date resignation_effective._remove_role takes the confidant role away; the key recovery's
    request check (recovery_process.request_names_confidants_of_the_entity) requires confidant.has_role(CONFIDANT),
    so the PAPSY's follow-up ("Ik vraag het herstel aan ...", the README's only way to hand those dossiers over) is
    refused: the open dossiers stay unreadable for good. Same for a dossier held by a PAPSY. Safe: the PAPSY can
    request the recovery hand-over of a former confidant's open dossier."""
    time_machine.move_to("2026-12-01 10:00")
    with_keys(session, OMG_CONFIDANT, KOEN)
    sofie = user(session, OMG_CONFIDANT)
    dossier_id = dossiers.register(session, sofie, facts()).id
    ending = resignation.start_resignation(session, sofie, date(2026, 12, 20))
    session.commit()
    time_machine.move_to("2026-12-20 10:00")
    make_effective(session, ending, ending.instance_id)
    session.commit()
    assert confidant_row(session, OMG_CONFIDANT).status == ConfidantStatus.FORMER
    try:
        workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", entity(session, "OMG"), {
            "kind": "handover", "confidant_email": OMG_CONFIDANT, "new_confidant_email": KOEN,
            "dossier_id": dossier_id, "consent_on": "2026-12-20"})
    except InvalidData as refused:
        pytest.fail(f"the PAPSY cannot ask the recovery of a dossier left open: {refused.errors}")


def test_r2_the_employer_does_not_see_how_many_dossiers_a_named_confidant_has_open(app, store):
    """GET /role-endings shows the EOC secretary (the employer) each leaving confidant's count of open dossiers
    (resignation.endings_for -> _open_counts, column "Open dossiers"): a per-person count of 1 or 2 is the small cell
    that R7 keeps out of every report. Safe: the employer's page shows no dossier counts (the PAPSY's may)."""
    with_keys(store, OMG_CONFIDANT)
    sofie = user(store, OMG_CONFIDANT)
    dossiers.register(store, sofie, facts(opened_on=resignation.today() - timedelta(days=3)))
    resignation.start_resignation(store, sofie, resignation.today() + timedelta(days=20))
    store.commit()
    client, _ = as_actor(app, store, "omg_secretary", api=False)
    page = client.get("/role-endings").get_data(as_text=True)
    assert "Sofie Claes" in page
    assert "Open dossiers</th>" not in page


# ---- Temporary inactivity and the stand-in (R14) ----

def test_r14_a_stand_in_reads_no_more_once_the_recovery_hands_the_dossier_to_another_keeper(app, session,
                                                                                          time_machine):
    """recovery_process._rewrap (kind "handover") replaces the OWNER wrap and moves Dossier.confidant_id, but leaves
    the keeper's stand-in share and its STAND_IN DossierKey: the former keeper's stand-in keeps reading a dossier
    that now belongs to someone else, whose requester consented to no stand-in of theirs. sharing.hand_over and
    drop_keys do end such shares; the recovery does not. Safe: after the recovery hand-over the stand-in reads
    nothing and no STAND_IN wrap is left."""
    time_machine.move_to(datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc))
    keys = with_keys(session, OMG_CONFIDANT, KOEN)
    omg = entity(session, "OMG")
    jan = ensure_user(session, JAN, "Jan Nieuw", [Role.CONFIDANT], entity_id=omg.id, password=DEMO_PASSWORD)
    session.add(Confidant(user_id=jan.id, entity_id=omg.id, name=jan.name, email=jan.email,
                          status=ConfidantStatus.ACTIVE, appointed_on=date(2026, 1, 5)))
    sofie = user(session, OMG_CONFIDANT)
    dossier_id = dossiers.register(session, sofie, facts()).id
    session.commit()
    period = inactivity.report(session, sofie, Report(date(2026, 12, 1), date(2026, 12, 10),
                                                      confidant_row(session, KOEN).id))
    inactivity_dossiers.share(session, sofie, keys[OMG_CONFIDANT], dossier_id, period.id, date(2026, 12, 1), "phone")
    session.commit()
    assert inactivity_dossiers.read(session, user(session, KOEN), dossier_id, keys[KOEN]).requester

    workflow.start_process(session, user(session, OMG_PAPSY), "key_recovery", omg, {
        "kind": "handover", "confidant_email": OMG_CONFIDANT, "new_confidant_email": JAN, "dossier_id": dossier_id,
        "consent_on": "2026-12-01"})
    session.commit()
    approval = session.scalar(select(Task.id).where(Task.spec_name == "approve_recovery",
                                                    Task.state == TaskState.READY))
    recovery_process.decide(session, user(session, ADMIN), approval, True,
                            app.config["TEST_RECOVERY_KEY_FILE"].read_bytes())
    session.commit()
    koen = user(session, KOEN)
    assert session.get(DossierKey, (dossier_id, "stand_in", koen.id)) is None, "a stale stand-in wrap is left"
    with pytest.raises(NotYours):
        inactivity_dossiers.read(session, koen, dossier_id, keys[KOEN])


# ---- The document library (R16) ----

def lying_zip(hidden: int) -> bytes:
    """A Word file whose "mimetype" entry says 20 bytes in the ZIP's directory but inflates to ``hidden`` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"\0" * hidden)
        archive.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, 22, 20)  # the local header's uncompressed size
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 20)  # the central directory's
    return bytes(data)


def test_r16_an_upload_cannot_make_the_server_inflate_far_more_than_it_declares(app):
    """content._odf_mimetype checks the declared size of the "mimetype" entry (<= 200) and then calls
    archive.read(entry), which inflates the whole entry (CPython asks zlib for up to 1 GiB at once) before cutting it
    to the declared size: _check_unpacked_sizes only reads declared sizes. A 64 KB upload by a PAPSY or admin (or a
    stolen session of one) makes the web process allocate ~150 MB; a 20 MB one ~1-2 GB, per request. Safe: checking
    a file allocates a few MB at most (read at most 200 bytes: archive.open(entry).read(200))."""
    data = lying_zip(64 * 1024 * 1024)
    assert len(data) < 100_000
    with app.test_request_context():
        tracemalloc.start()
        try:
            content.read_checked(upload(data, "gids.docx"))
        except Exception:  # noqa: BLE001 (refusing the file is fine; what it costs is the point)
            pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"checking a {len(data)} byte upload allocated {peak // 2**20} MB"


def test_r16_a_folder_meant_for_another_entity_is_not_opened_by_its_number(app, store):
    """GET /library/folders/<id>: services.find_folder returns any folder to any reader (only the area's check), so
    a confidant of AWV opens a folder that holds only Omgeving's documents and reads its name and description
    (the index hides it: listing.folder_rows counts only visible documents). Documents outside one's audience are
    404; the folder should be too."""
    papsy = user(store, OMG_PAPSY)
    made = folder(store, papsy, "Omgeving intern", "Afspraken met het directiecomité van Omgeving")
    publish(store, papsy, made.id, "Afsprakennota Omgeving", entity_id=entity(store, "OMG").id)
    store.commit()
    folder_id = made.id
    client, _ = as_actor(app, store, "awv_confidant", api=False)
    response = client.get(f"/library/folders/{folder_id}")
    assert response.status_code == 404, "the folder of another entity opened"


# ---- Bad input (never a 500) ----

NOT_ALLOWED = "Deze tekst bevat tekens die niet toegelaten zijn."


def test_bad_input_library_says_which_field_and_changes_nothing(app, store):
    """The library's part of the next test, on all its text fields: the search, a new folder, a folder's new name and
    a document's details each get the field's message (the page again, 422) and nothing changes."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is the 500 a browser would get
    papsy_user = user(store, OMG_PAPSY)
    shelf = folder(store, papsy_user, "Wetgeving")
    document_id = publish(store, papsy_user, shelf.id, "Gids").id
    shelf_id = shelf.id
    store.commit()
    papsy, _ = as_actor(app, store, "omg_papsy", api=False)
    token = session_csrf(papsy, "omg_papsy")
    responses = {"search": papsy.get("/library/?q=ver%00trouw")}
    for name, url, form in (
            ("folder", "/library/folders", {"name": "Map \x00 nul"}),
            ("rename", f"/library/folders/{shelf_id}", {"name": "Wet \x00 geving"}),
            ("edit", f"/library/documents/{document_id}/edit",
             {"folder": str(shelf_id), "title": "Gids \x00", "description": "Nul \x00 hier", "audience": "all"})):
        responses[name] = papsy.post(url, data={**form, "csrf_token": token})
    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(responses, 422)
    assert all(NOT_ALLOWED in response.get_data(as_text=True) for response in responses.values())
    store.expire_all()
    assert [*store.scalars(select(LibraryFolder.name))] == ["Wetgeving"]
    assert [*store.scalars(select(LibraryDocument.title))] == ["Gids"]
    assert store.scalar(select(LibraryDocument.description)) is None


def test_bad_input_retention_and_room_reasons_say_which_field(app, store):
    """The next test's hold and decline, read on the page they come back to: the reason's message, nothing kept."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sofie = user(store, OMG_CONFIDANT)
    with_keys(store, OMG_CONFIDANT)
    year_ago = resignation.today() - timedelta(days=365)
    closed = dossiers.register(store, sofie, facts(opened_on=year_ago))
    dossiers.close(store, sofie, closed.id, year_ago, "resolved")
    request_id = ask(store, OMG_CONFIDANT, working_day(), "10:00", "11:00").id
    closed_id = closed.id
    store.commit()
    papsy, _ = as_actor(app, store, "omg_papsy", api=False)
    token = session_csrf(papsy, "omg_papsy")
    hold = papsy.post(f"/retention/dossiers/{closed_id}/hold",
                      data={"reason": "Gerechtelijk \x00 onderzoek loopt", "csrf_token": token})
    decline = papsy.post(f"/room/bookings/{request_id}/decline",
                         data={"reason": "Gesloten \x00 die dag", "csrf_token": token})
    assert (hold.status_code, decline.status_code) == (422, 422)
    assert NOT_ALLOWED in hold.get_data(as_text=True) and NOT_ALLOWED in decline.get_data(as_text=True)
    store.expire_all()
    assert store.scalar(select(LegalHold.id)) is None
    assert store.scalar(select(RoomBooking.status)) == BookingStatus.REQUESTED



def test_bad_input_on_the_new_forms_gets_a_refusal_never_a_500(app, store):
    """Text with a NUL byte (PostgreSQL refuses it: DataError) reaches the database unchecked in the library's search
    (GET /library/?q=, any reader), a folder's name (POST /library/folders), a legal hold's reason (POST
    /retention/dossiers/<id>/hold) and a room decline's reason (POST /room/bookings/<id>/decline).
    app/forms/validation.py refuses such text for the task forms; these forms do not. (The lifecycle forms' part of
    this finding is the next test's.) Safe: a 4xx, the page again or the redirect, never a 500; nothing stored with
    a NUL."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is the 500 a browser would get
    sofie = user(store, OMG_CONFIDANT)
    with_keys(store, OMG_CONFIDANT)
    year_ago = resignation.today() - timedelta(days=365)
    closed = dossiers.register(store, sofie, facts(opened_on=year_ago))
    dossiers.close(store, sofie, closed.id, year_ago, "resolved")
    request_id = ask(store, OMG_CONFIDANT, working_day(), "10:00", "11:00").id
    closed_id = closed.id
    store.commit()
    statuses = {}
    papsy, _ = as_actor(app, store, "omg_papsy", api=False)
    token = session_csrf(papsy, "omg_papsy")
    statuses["search"] = papsy.get("/library/?q=ver%00trouw").status_code
    for name, url, form in (
            ("folder", "/library/folders", {"name": "Map \x00 nul"}),
            ("hold", f"/retention/dossiers/{closed_id}/hold", {"reason": "Gerechtelijk \x00 onderzoek loopt"}),
            ("decline", f"/room/bookings/{request_id}/decline", {"reason": "Gesloten \x00 die dag"})):
        statuses[name] = papsy.post(url, data={**form, "csrf_token": token}).status_code
    store.expire_all()
    assert {name: status for name, status in statuses.items() if status >= 500} == {}
    stored = [*store.scalars(select(LibraryFolder.name)), *store.scalars(select(LegalHold.reason)),
              *filter(None, store.scalars(select(RoomBooking.decline_reason)))]
    assert not [text for text in stored if "\x00" in text]


def test_bad_input_on_the_lifecycle_forms_gets_a_refusal_never_a_500(app, store):
    """A stand-in number beyond the integer columns (POST /availability, stand_in=99999999999999999999) overflows on
    both databases (session.get with the raw int). And an effective date of today, which the page offers ("today or
    later"), fails the process at its start (POST /role-endings/mine, and /role-endings/removal alike): its timer is
    already due, resignation.end_role runs inside runner.start, before RoleEnding.instance_id is set, and raises
    LookupError -> ProcessFailed -> 500. Safe: a 4xx, the page again or the redirect, never a 500; a role ending
    from today ends the role at once."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is the 500 a browser would get
    koen_id = confidant_row(store, KOEN).id
    store.commit()
    statuses = {}
    confidant, _ = as_actor(app, store, "omg_confidant", api=False)
    today = resignation.today()
    statuses["availability"] = confidant.post("/availability", data={
        "starts_on": (today + timedelta(days=3)).isoformat(), "ends_on": (today + timedelta(days=5)).isoformat(),
        "stand_in": "99999999999999999999", "csrf_token": session_csrf(confidant, "omg_confidant")}).status_code
    statuses["resign today"] = confidant.post("/role-endings/mine", data={
        "effective_on": today.isoformat(), "csrf_token": session_csrf(confidant, "omg_confidant")}).status_code
    secretary, _ = as_actor(app, store, "omg_secretary", api=False)
    statuses["removal today"] = secretary.post("/role-endings/removal", data={
        "confidant": str(koen_id), "effective_on": today.isoformat(), "representatives_agreed_on": today.isoformat(),
        "csrf_token": session_csrf(secretary, "omg_secretary")}).status_code
    store.expire_all()
    assert {name: status for name, status in statuses.items() if status >= 500} == {}
    assert sorted(store.scalars(select(RoleEnding.state))) == [EndingState.EFFECTIVE, EndingState.EFFECTIVE], \
        "a role ending from today ends the role at once"
