"""The mail templates show only the fields their callers give them (StrictUndefined), in plain Dutch text."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from jinja2 import UndefinedError

from app.mail.render import TEMPLATES, format_due, render, template_fields

# What each template may show. A new field is a decision: check it is no dossier content (see app.mail).
FIELDS = {
    "task_assigned": {"process", "step", "entity", "due_date", "task_id", "public_url"},
    "reminder": {"what", "due_date", "process", "entity", "task_id", "public_url"},
    "certificate_rejected": {"reason", "process", "entity", "task_id", "public_url"},
    "delicate_reminder": {"what", "due_date", "entity", "task_id", "public_url"},
    "delicate_offered": {"entity", "due_date", "task_id", "public_url"},
    "setup_link": {"name", "link", "hours", "public_url"},
    "account_reset": {"name", "admin", "what", "at", "public_url"},
    "session_invitation": {"summary", "date", "start_time", "end_date", "end_time", "place", "online_url", "changed",
                           "month", "public_url"},
    "session_cancelled": {"summary", "date", "start_time", "end_date", "end_time", "place", "online_url",
                          "event_cancelled", "month", "public_url"},
    "place_freed": {"title", "starts", "place", "path", "public_url"},  # R12/R13: moved up from a waiting list
    "intervision_reminder": {"year", "attended", "required", "deadline", "public_url"},
    # R17: the conversation room; the confidant's name and entity reach the PAPSY, a purpose is a category's words
    "room_requested": {"name", "entity", "date", "times", "purpose", "public_url"},
    "room_approved": {"date", "times", "purpose", "place", "week", "public_url"},
    "room_declined": {"date", "times", "purpose", "reason", "week", "public_url"},
    "room_cancelled": {"date", "times", "place", "week", "public_url"},
    "room_freed": {"name", "date", "times", "week", "public_url"},
    # M27: numbers and opening dates of the dossiers to be shredded, never their content
    "retention_notice": {"count", "shred_on", "for_papsy", "entity", "years", "dossiers", "public_url"},
    # R19: a role ending told to the PAPSY and EOC secretary, the confidant removed, its withdrawal, a hand-over
    "role_ending_notice": {"name", "entity", "removal", "effective", "task_id", "public_url"},
    "role_ending_removal": {"entity", "effective", "public_url"},
    "role_ending_withdrawn": {"name", "entity", "removal"},
    "dossier_handed_over": {"keeper", "number", "public_url"},
    "library_digest": {"documents", "count", "more", "public_url"},  # R16: titles and folders of published documents
    "stand_in_named": {"confidant", "starts", "ends", "path", "public_url"},  # R14: named as a stand-in
    "working_conversation": {"entity", "year", "public_url"},  # R18: the PAPSY will call; no figures
}
FULL = {"process": "Aanstelling vertrouwenspersoon", "step": "Aanstelling nakijken", "entity": "Departement Omgeving",
        "due_date": "31-12-2026", "task_id": 5, "public_url": "https://vertrouwd.example", "what": "Basisopleiding",
        "reason": "Onleesbaar", "name": "Jana Vermeulen", "link": "https://vertrouwd.example/setup/abc", "hours": 72,
        "admin": "Anouk Beheer", "at": "05-12-2026 14:05", "title": "Omgaan met agressie", "starts": "15 mrt. 2027 09:00",
        "path": "/trainings/3",
        "summary": "Intervisie Groep Noord", "date": "12 mrt. 2027", "start_time": "09:00", "end_date": None,
        "end_time": "12:30", "place": "Herman Teirlinckgebouw", "online_url": "https://meet.example/abc",
        "changed": False, "event_cancelled": True, "month": "2027-03", "year": 2027, "attended": 1, "required": 2,
        "deadline": "31 dec. 2027", "times": "10:00–11:00", "purpose": "Gesprek met een verzoeker",
        "week": "2027-03-09", "count": 2, "shred_on": "30 nov. 2031", "for_papsy": False, "years": 5,
        "dossiers": [{"number": 12, "opened_on": "2 nov. 2026"}, {"number": 14, "opened_on": "5 nov. 2026"}],
        "removal": True, "effective": "1 feb. 2027", "keeper": "Sofie Claes", "number": 12,
        "documents": [{"title": "Gids voor vertrouwenspersonen", "folder": "Wetgeving", "version": 2, "new": False,
                       "path": "/library/documents/3"}], "more": 0,
        "confidant": "Sofie Claes", "ends": "20 mrt. 2027"}


def test_the_templates_read_exactly_the_documented_fields():
    assert TEMPLATES == set(FIELDS)
    for template, fields in FIELDS.items():
        assert template_fields(template) == fields, template


@pytest.mark.parametrize(("template", "missing"), [(t, f) for t, fields in FIELDS.items() for f in sorted(fields)])
def test_a_field_not_given_is_an_error_not_an_empty_string(template, missing):
    context = {name: FULL[name] for name in FIELDS[template] if name != missing}
    with pytest.raises(UndefinedError):
        render(template, context)


@pytest.mark.parametrize("template", sorted(FIELDS))
def test_each_template_renders_a_subject_and_a_plain_body(template):
    subject, body = render(template, {name: FULL[name] for name in FIELDS[template]})
    assert subject and "\n" not in subject and not body.startswith("Subject:")
    assert "geen inhoud van dossiers" in body and "{" not in body and "<" not in body


def test_values_are_not_escaped_or_interpreted():
    _, body = render("certificate_rejected", {**{n: FULL[n] for n in FIELDS["certificate_rejected"]},
                                                    "reason": "Datum < 2024 & {{ geheim }}"})
    assert "Reden die de PAPSY opgaf: Datum < 2024 & {{ geheim }}" in body


def test_unknown_templates_are_refused():
    for name in ("_footer", "../render", "nope"):
        with pytest.raises(ValueError, match="unknown mail template"):
            render(name, {})


def test_due_dates_are_dates_not_text():
    assert format_due(None, "Europe/Brussels") is None
    assert format_due(date(2026, 1, 2), "Europe/Brussels") == "2 jan. 2026"
    assert format_due("2026-07-01T10:00:00+00:00", "Europe/Brussels") == "1 jul. 2026 12:00"
    assert format_due(datetime(2026, 7, 1, 10, tzinfo=UTC), "Europe/Brussels") == "1 jul. 2026 12:00"
    for bad in ("volgende week", "2026-07-01T10:00:00", 42, ["2026-07-01"]):
        with pytest.raises(ValueError):
            format_due(bad, "Europe/Brussels")


def test_mail_dates_are_written_in_the_recipients_language_as_on_the_pages():
    """Defect 7 of issue 9: one date style per language everywhere, mails included (never 31-12-2026)."""
    assert format_due(date(2026, 12, 31), "Europe/Brussels", "nl") == "31 dec. 2026"
    assert format_due(date(2026, 12, 31), "Europe/Brussels", "en") == "31 Dec 2026"
    assert format_due("2026-12-31T16:00:00+00:00", "Europe/Brussels", "en") == "31 Dec 2026, 17:00"
    assert format_due(date(2026, 5, 1), "Europe/Brussels", "nl") == "1 mei 2026"
    assert format_due(date(2026, 5, 1), "Europe/Brussels", "../x") == "1 mei 2026"  # an odd locale: Dutch
