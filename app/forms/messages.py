"""Dutch messages for validation errors; none of them repeats the submitted value."""

from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext, ngettext
from jsonschema.exceptions import ValidationError


def required_message() -> str:
    return gettext("Dit veld is verplicht.")


def integer_message() -> str:
    return gettext("Geef een geheel getal in.")


def number_message() -> str:
    return gettext("Geef een getal in.")


def choice_message() -> str:
    return gettext("Kies een van de mogelijkheden.")


def not_an_object_message() -> str:
    return gettext("De gegevens moeten een object met velden zijn.")


def control_characters_message() -> str:
    return gettext("Dit veld bevat tekens of een getal die niet toegelaten zijn.")


def unknown_fields_message() -> str:
    return gettext("Het formulier bevat velden die het niet kent.")


def custom_message(schema: dict, field: str, keyword: str) -> str | None:
    """The author's ``errorMessage`` for this field and keyword (the ajv-errors convention), if any.

    On a property: a string for every error, or an object per keyword with ``_`` for the rest.
    On the root: ``{"required": {"field": "..."}}`` for a missing field, or a string/object for form-level errors.
    """
    root = schema.get("errorMessage")
    if not field:
        return _pick(root, keyword)
    prop = schema.get("properties", {}).get(field)
    own = _pick(prop.get("errorMessage"), keyword) if isinstance(prop, dict) else None
    if own is None and keyword == "required" and isinstance(root, dict):
        by_field = root.get("required")
        own = by_field.get(field) if isinstance(by_field, dict) else None
    return own


def _pick(message: Any, keyword: str) -> str | None:
    if isinstance(message, str):
        return message
    if isinstance(message, dict):
        found = message.get(keyword, message.get("_"))
        return found if isinstance(found, str) else None
    return None


def default_message(error: ValidationError) -> str:
    """One clear Dutch sentence for a jsonschema error."""
    if error.validator == "format":
        return _format_message(error.validator_value)
    build = _BY_KEYWORD.get(str(error.validator))
    return build(error.validator_value) if build else gettext("Deze waarde is niet geldig.")


def _number(limit: Any) -> str:
    """A limit as people write it in Flanders: 2,5 and 10 (not 10.0)."""
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    return str(limit).replace(".", ",")


def type_message(expected: Any) -> str:
    """The message for a value of the wrong JSON type, by the type that was expected."""
    expected = expected if isinstance(expected, str) else (expected or [""])[0]
    return {
        "integer": integer_message,
        "number": number_message,
        "boolean": lambda: gettext("Kies ja of nee."),
        "array": lambda: gettext("Kies een of meer mogelijkheden."),
        "string": lambda: gettext("Geef een tekst in."),
    }.get(expected, lambda: gettext("Deze waarde heeft niet het juiste type."))()


def _const_message(value: Any) -> str:
    if value is True:
        return gettext("Vink dit vakje aan.")
    return gettext("Deze waarde is niet toegestaan.")


def _alternatives_message(choices: Any) -> str:
    if isinstance(choices, list) and all(isinstance(choice, dict) and "const" in choice for choice in choices):
        return choice_message()
    return gettext("Deze waarde is niet geldig.")


def _format_message(name: Any) -> str:
    if name == "date":
        return gettext("Geef een geldige datum in (JJJJ-MM-DD).")
    if name == "email":
        return gettext("Geef een geldig e-mailadres in.")
    return gettext("Deze waarde heeft niet de juiste vorm.")


_BY_KEYWORD: dict[str, Callable[[Any], str]] = {
    "required": lambda _: required_message(),
    "type": type_message,
    "enum": lambda _: choice_message(),
    "const": _const_message,
    "oneOf": _alternatives_message,
    "anyOf": _alternatives_message,
    "minLength": lambda n: ngettext("Geef minstens %(num)d teken in.", "Geef minstens %(num)d tekens in.", n),
    "maxLength": lambda n: ngettext("Geef hoogstens %(num)d teken in.", "Geef hoogstens %(num)d tekens in.", n),
    "minimum": lambda n: gettext("Geef een waarde van minstens %(limit)s in.", limit=_number(n)),
    "maximum": lambda n: gettext("Geef een waarde van hoogstens %(limit)s in.", limit=_number(n)),
    "exclusiveMinimum": lambda n: gettext("Geef een waarde groter dan %(limit)s in.", limit=_number(n)),
    "exclusiveMaximum": lambda n: gettext("Geef een waarde kleiner dan %(limit)s in.", limit=_number(n)),
    "multipleOf": lambda n: gettext("Geef een veelvoud van %(limit)s in.", limit=_number(n)),
    "minItems": lambda n: ngettext("Kies minstens %(num)d mogelijkheid.", "Kies minstens %(num)d mogelijkheden.", n),
    "maxItems": lambda n: ngettext("Kies hoogstens %(num)d mogelijkheid.", "Kies hoogstens %(num)d mogelijkheden.", n),
    "uniqueItems": lambda _: gettext("Kies elke mogelijkheid maar één keer."),
    "pattern": lambda _: gettext("Deze waarde heeft niet de juiste vorm."),
    "additionalProperties": lambda _: unknown_fields_message(),
    "dependentRequired": lambda _: gettext("Vul ook de velden in die hierbij horen."),
}
