"""The fixed lists of a third-party fact's categorical facts (R20): the values stored, the words shown. Fixed, so
that the register report counts like with like and a free text never slips into a column that is in clear."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = {
    "violence": _l("Geweld"),
    "harassment": _l("Pesterijen"),
    "sexual_harassment": _l("Ongewenst seksueel gedrag"),
    "undesirable_behaviour": _l("Ander ongewenst gedrag"),
}
CONTEXTS = {
    "counter": _l("Aan het loket"),
    "phone": _l("Aan de telefoon"),
    "mail": _l("Per brief of mail"),
    "online": _l("Online of op sociale media"),
    "on_the_road": _l("Op de weg of op verplaatsing"),
    "site_visit": _l("Bij een bezoek ter plaatse of een controle"),
    "other": _l("Elders"),
}
THIRD_PARTIES = {
    "citizen": _l("Burger"),
    "client": _l("Klant of gebruiker"),
    "contractor": _l("Aannemer of leverancier"),
    "visitor": _l("Bezoeker"),
    "road_user": _l("Weggebruiker"),
    "other": _l("Andere derde"),
}
VICTIM_FUNCTIONS = {
    "counter_staff": _l("Loket- of onthaalmedewerker"),
    "call_centre": _l("Medewerker van een contactcenter"),
    "field_worker": _l("Medewerker op het terrein"),
    "inspector": _l("Inspecteur of controleur"),
    "manager": _l("Leidinggevende"),
    "other": _l("Andere functie"),
}
MEASURE_STATES = {
    "proposed": _l("Voorgesteld"),
    "taken": _l("Genomen"),
    "not_taken": _l("Niet genomen"),
}


def options(choices: dict) -> list[tuple[str, str]]:
    """(value, words) pairs for a select, in the list's order."""
    return [(value, str(words)) for value, words in choices.items()]


def label(choices: dict, value: str | None) -> str:
    """The words of a stored value; an unknown value (a list changed since) is shown as it is."""
    if value is None:
        return ""
    return str(choices.get(value, value))
