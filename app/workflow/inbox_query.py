"""The inbox's query parameters, one parser for the web page and the JSON API: process, entity, due, assigned, q,
sort, page and per_page. A bad value is an InvalidData naming the parameter (the API answers 422 with it, the web
page shows it beside the filter bar)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from app.engine.errors import InvalidData
from app.forms.validation import is_clean_text

DUE = ("late", "soon", "none")
ASSIGNED = ("me", "unassigned", "any")  # absent: "to do", the user's own tasks and those nobody has
SORT_KEYS = ("due_at", "created_at", "process", "entity")
SORTS = (*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS))
MAX_Q, MAX_PER_PAGE, DEFAULT_PER_PAGE = 100, 200, 50
MAX_OFFSET = 10_000  # OFFSET paging stays cheap this deep; further, a narrower filter is asked for
_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class InboxQuery:
    """What the inbox is asked for; every field is checked by ``from_args``."""

    process: str | None = None  # a process model's key
    entity: str | None = None  # an entity's code
    due: str | None = None  # late, soon, none
    assigned: str | None = None  # me, unassigned, any; None: the "to do" view
    q: str | None = None  # in step names and instance subjects
    sort: str = "due_at"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxQuery:
        """The query of these request parameters; an empty value counts as absent. Raises InvalidData naming
        every bad parameter (unknown, repeated, or a value out of its range)."""
        values, errors = _single_values(args)
        query = _parse(values, errors)
        if errors:
            raise InvalidData(errors, str(_l("De filter van de takenlijst klopt niet.")))
        return query

    def to_args(self, *, paging: bool = True) -> dict[str, str]:
        """The parameters that differ from the defaults (for links and saved filters)."""
        defaults = asdict(InboxQuery())
        args = {name: str(value) for name, value in asdict(self).items() if value != defaults[name]}
        if not paging:
            args.pop("page", None)
            args.pop("per_page", None)
        return args

    def query_string(self) -> str:
        return urlencode(self.to_args(paging=False))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


# -- reading the parameters --------------------------------------------------------------------------------------

def _single_values(args: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    names = {field_name for field_name in InboxQuery.__dataclass_fields__}
    values, errors = {}, {}
    for name in args:
        given = args.getlist(name) if hasattr(args, "getlist") else [args[name]]
        if name not in names:
            errors[name] = str(_l("Onbekende parameter."))
        elif len(given) > 1:
            errors[name] = str(_l("Geef deze parameter maar één keer op."))
        elif given[0].strip():
            values[name] = given[0].strip()
    return values, errors


def _parse(values: dict[str, str], errors: dict[str, str]) -> InboxQuery:
    choices = {  # in the user's words, with the values the URL (and the API) takes
        "due": (DUE, _l("Kies te laat (late), binnen 14 dagen (soon) of zonder termijn (none).")),
        "assigned": (ASSIGNED, _l("Kies van mij (me), niet opgenomen (unassigned) of iedereen (any).")),
        "sort": (SORTS, _l("Sorteer op termijn (due_at), sinds (created_at), proces (process) of entiteit (entity); "
                           "met een - ervoor in omgekeerde volgorde."))}
    for name, (allowed, message) in choices.items():
        if name in values and values[name] not in allowed:
            errors[name] = str(message)
    for name in ("process", "entity", "q"):
        if name in values and not is_clean_text(values[name]):
            errors[name] = str(_l("Deze tekst bevat tekens die niet toegelaten zijn."))
    if len(values.get("q", "")) > MAX_Q:
        errors["q"] = str(_l("Zoek op hoogstens %(max)d tekens.", max=MAX_Q))
    page = _number(values, "page", 1, 1, None, _l("Geef een paginanummer vanaf 1."), errors)
    per_page = _number(values, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE,
                       _l("Kies 1 tot %(max)d taken per pagina.", max=MAX_PER_PAGE), errors)
    if "page" not in errors and "per_page" not in errors and (page - 1) * per_page >= MAX_OFFSET:
        errors["page"] = str(_l("Zo ver bladeren gaat niet: verfijn de filter of zoek gerichter."))
    if errors:
        return InboxQuery()
    return InboxQuery(process=values.get("process"), entity=values.get("entity"), due=values.get("due"),
                      assigned=values.get("assigned"), q=values.get("q"), sort=values.get("sort", "due_at"),
                      page=page, per_page=per_page)


def _number(values: dict[str, str], name: str, default: int, low: int, high: int | None, message,
            errors: dict[str, str]) -> int:
    if name not in values:
        return default
    text = values[name]
    number = int(text) if _PAGE_NUMBER.fullmatch(text) else None
    if number is None or number < low or (high is not None and number > high):
        errors[name] = str(message)
        return default
    return number
