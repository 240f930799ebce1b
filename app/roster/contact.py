"""A confidant's published contact details (R14): the phone number and the work location they give themselves."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from app.roster.spreadsheet import Verbatim

PHONE_CHARACTERS = re.compile(r"\+?[0-9(][0-9 ()./-]*")
PHONE_MAX, LOCATION_MAX = 40, 200  # the columns' lengths
PHONE_DIGITS = (4, 20)  # an internal extension has four; an international number with its "(0)" up to 16


def clean_phone(value: object) -> tuple[str | None, str | None]:
    """(the phone number to keep, or None for none; an error message or None)."""
    text = " ".join(str(value or "").split())
    if not text:
        return None, None
    if len(text) > PHONE_MAX:
        return None, str(_l("Een telefoonnummer heeft hoogstens %(max)d tekens.", max=PHONE_MAX))
    digits = sum(character.isdigit() for character in text)
    if not PHONE_CHARACTERS.fullmatch(text) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return None, str(_l("Een telefoonnummer bestaat uit cijfers, eventueel met + vooraan en met spaties, "
                            "haakjes, punten, schuine strepen of koppeltekens."))
    return text, None


def clean_location(value: object) -> tuple[str | None, str | None]:
    """(the work location to keep, on one line, or None for none; an error message or None)."""
    text = " ".join(str(value or "").split())
    if len(text) > LOCATION_MAX:
        return None, str(_l("Een werkplaats heeft hoogstens %(max)d tekens.", max=LOCATION_MAX))
    if any(not character.isprintable() for character in text):
        return None, str(_l("Deze werkplaats bevat tekens die niet getoond kunnen worden."))
    return text or None, None


def tel_uri(phone: str | None) -> str | None:
    """The ``tel:`` link of a phone number as given: "+32 (0)2 553 01 23" calls +3225530123."""
    if not phone:
        return None
    text = phone.replace("(0)", "") if phone.startswith("+") else phone
    number = "".join(character for character in text if character.isdigit())
    return f"tel:{'+' if text.startswith('+') else ''}{number}" if number else None


def phone_cell(phone: str | None) -> str:
    """A phone number for a CSV cell: as given when it is one of the validated characters (it holds no formula)."""
    if phone and PHONE_CHARACTERS.fullmatch(phone):
        return Verbatim(phone)
    return phone or ""
