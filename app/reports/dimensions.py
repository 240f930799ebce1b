"""What the reports count: the categorical facts of the dossiers (R6), never a narrative or a name.

Each dimension is a fixed list of values; a multi-valued one (a dossier has several themes) counts dossiers per
value, so its values do not add up to the number of dossiers."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models.dossiers import FactKind, Intervention, Outcome, PersonLevel, Theme

OPEN = "open"
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: object  # a lazy text
    values: tuple[tuple[str, object], ...]
    multi_valued: bool
    fact_kind: str | None = None  # counted from DossierFact rows of this kind
    column: str | None = None  # counted from this Dossier column

    @property
    def rows(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.values)

    def label(self, value: str) -> str:
        return str(dict(self.values)[value])


YES_NO = ((YES, _l("ja")), (NO, _l("nee")))

DIMENSIONS = (
    Dimension("themes", _l("Thema's"), (
        (Theme.STRESS, _l("Stress")), (Theme.BURNOUT, _l("Burn-out")), (Theme.CONFLICT, _l("Conflict")),
        (Theme.BULLYING, _l("Pesterijen")), (Theme.VIOLENCE, _l("Geweld")),
        (Theme.SEXUAL_HARASSMENT, _l("Ongewenst seksueel gedrag")), (Theme.DISCRIMINATION, _l("Discriminatie")),
        (Theme.WORK_ORGANISATION, _l("Arbeidsorganisatie")), (Theme.PRIVATE_SITUATION, _l("Privésituatie")),
        (Theme.OTHER, _l("Andere"))), True, fact_kind=FactKind.THEME),
    Dimension("persons", _l("Betrokken personen"), (
        (PersonLevel.COLLEAGUE, _l("Collega")), (PersonLevel.DIRECT_MANAGER, _l("Rechtstreekse leidinggevende")),
        (PersonLevel.DEPARTMENT_HEAD, _l("Afdelingshoofd")), (PersonLevel.LEADING_OFFICIAL, _l("Leidend ambtenaar")),
        (PersonLevel.THIRD_PARTY, _l("Derde (klant, burger, leverancier)")), (PersonLevel.GROUP, _l("Een groep"))),
        True, fact_kind=FactKind.PERSON),
    Dimension("interventions", _l("Soort tussenkomst"), (
        (Intervention.LISTENING, _l("Luisteren en advies")),
        (Intervention.PREPARATION, _l("Voorbereiding en nabespreking van een gesprek")),
        (Intervention.INTERVENTION, _l("Tussenkomst bij iemand van de organisatie")),
        (Intervention.CONCILIATION, _l("Verzoening"))), True, fact_kind=FactKind.INTERVENTION),
    Dimension("outcomes", _l("Resultaat"), (
        (Outcome.RESOLVED, _l("Opgelost")), (Outcome.REFERRED_FORMAL, _l("Doorverwezen naar de formele procedure")),
        (Outcome.REFERRED_ELSEWHERE, _l("Doorverwezen naar andere hulp")),
        (Outcome.STOPPED_BY_REQUESTER, _l("Stopgezet door de verzoeker")),
        (Outcome.NOT_RESOLVED, _l("Niet opgelost")), (OPEN, _l("Nog niet afgesloten"))), False, column="outcome"),
    Dimension("referred", _l("Doorverwezen naar de formele procedure"), YES_NO, False, column="referred_formal"),
    Dimension("repeated", _l("Herhaald incident"), YES_NO, False, column="repeated_incident"),
    Dimension("delicate", _l("Delicate zaak"), YES_NO, False, column="delicate"),
)
BY_KEY = {dimension.key: dimension for dimension in DIMENSIONS}
