"""Laying down the role (R19) until the effective date: a confidant's resignation ("Ik leg mijn rol neer"), or a
removal the EOC decides, each run by one process (bpmn/resignation.bpmn) that its RoleEnding row links.

A removal against the confidant's will needs the prior agreement of every member who represents the employees in
the committee, as an appointment does (R10, Welzijnswet art. 32sexies); without it the removal is refused and kept
as refused, and the employer first asks the advice of the labour inspection. A removal started by the EOC
secretary is always taken as against the confidant's will: only the confidant can say they agree, and they do so by
laying the role down themselves (the secretary's word for it would let the employer skip the representatives).

The PAPSY and the EOC secretary are told (a task each, and a mail), the confidant too when it is a removal. Until the
effective date the confidant closes their open dossiers or hands them over (handover.py); on that date
resignation_effective.py ends the role (a date of today: at once).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.clock import now
from app.dossiers.services import today
from app.engine import lifecycle as instances, registry, runner
from app.engine.errors import InvalidData, NotAllowed, NotFound
from app.lifecycle import resignation_mail
from app.mail.outbox import current_settings
from app.models import Confidant, ConfidantStatus, Dossier, ProcessInstance, User
from app.models.lifecycle import EndingKind, EndingState, RoleEnding
from app.ui import format_date

MODEL = "resignation"
MAX_DAYS_AHEAD = 366  # a date further away is more often a typing error than a plan
RECENT = 20  # ended, withdrawn and refused endings listed under those in progress
IN_ROLE = (ConfidantStatus.ACTIVE, ConfidantStatus.INACTIVE)
INSPECTION_ADVICE = _l(
    "Zonder het voorafgaande akkoord van alle leden die de werknemers vertegenwoordigen in het comité kan een "
    "vertrouwenspersoon niet tegen de eigen wil uit de rol ontheven worden (Welzijnswet, art. 32sexies). De "
    "ontheffing werd geweigerd en zo bewaard. Vraag eerst het advies van de arbeidsinspectie (Toezicht op het "
    "welzijn op het werk); met het akkoord van de vertegenwoordigers kunt u de ontheffing opnieuw starten.")


@dataclass(frozen=True)
class OwnStatus:
    """What the confidant's own page shows: their entry, the ending in progress, the days left, the open dossiers."""

    confidant: Confidant | None
    ending: RoleEnding | None
    days_left: int | None
    open_dossiers: int


@dataclass(frozen=True)
class EndingRow:
    ending: RoleEnding
    days_left: int | None
    open_dossiers: int | None  # None: not for this reader (``policy.can_see_open_dossier_counts``)
    may_withdraw: bool


# Reading

def own_entry(session: Session, user: User) -> Confidant | None:
    """``user``'s roster entry while they hold the role (active or temporarily inactive)."""
    return session.scalar(select(Confidant).where(Confidant.user_id == user.id, Confidant.status.in_(IN_ROLE)))


def open_ending(session: Session, confidant_id: int) -> RoleEnding | None:
    return session.scalar(select(RoleEnding).where(RoleEnding.confidant_id == confidant_id,
                                                   RoleEnding.state == EndingState.OPEN))


def open_dossier_ids(session: Session, user_id: int | None) -> list[int]:
    """The dossiers still open under ``user_id``'s name, oldest first (numbers only: nothing sealed is read)."""
    if user_id is None:
        return []
    return list(session.scalars(select(Dossier.id).where(
        Dossier.confidant_id == user_id, Dossier.closed_on.is_(None), Dossier.shredded_at.is_(None))
        .order_by(Dossier.opened_on, Dossier.id)))


def own_status(session: Session, user: User) -> OwnStatus:
    confidant = own_entry(session, user)
    ending = open_ending(session, confidant.id) if confidant else None
    return OwnStatus(confidant, ending, _days_left(ending), len(open_dossier_ids(session, user.id)))


def endings_for(session: Session, user: User) -> tuple[list[EndingRow], list[EndingRow]]:
    """The role endings of the entities ``user`` follows: those in progress (soonest first), and the latest others."""
    if not policy.can_view_role_endings(user):
        raise NotAllowed(_l("Alleen de PAPSY, de EOC-secretaris en de beheerders volgen de beëindigingen van de rol."))
    scope = policy.role_ending_entity_ids(user)
    query = select(RoleEnding).join(Confidant, Confidant.id == RoleEnding.confidant_id)
    if scope is not None:
        query = query.where(Confidant.entity_id.in_(scope))
    running = session.scalars(query.where(RoleEnding.state == EndingState.OPEN)
                              .order_by(RoleEnding.effective_on, RoleEnding.id)).all()
    others = session.scalars(query.where(RoleEnding.state != EndingState.OPEN)
                             .order_by(RoleEnding.started_at.desc(), RoleEnding.id.desc()).limit(RECENT)).all()
    counted = [ending for ending in running if policy.can_see_open_dossier_counts(user, ending.confidant.entity_id)]
    counts = _open_counts(session, [ending.confidant.user_id for ending in counted])
    return ([EndingRow(ending, _days_left(ending),
                       counts.get(ending.confidant.user_id, 0) if ending in counted else None,
                       policy.can_withdraw_role_ending(user, ending)) for ending in running],
            [EndingRow(ending, None, None, False) for ending in others])


def removable(session: Session, user: User) -> list[Confidant]:
    """The confidants an EOC secretary may start a removal for: of their entity, in the role, none ending yet."""
    if user.entity_id is None:
        return []
    ending = select(RoleEnding.id).where(RoleEnding.confidant_id == Confidant.id, RoleEnding.state == EndingState.OPEN)
    candidates = session.scalars(select(Confidant).where(
        Confidant.entity_id == user.entity_id, Confidant.status.in_(IN_ROLE), ~ending.exists())
        .order_by(Confidant.name))
    return [confidant for confidant in candidates if policy.can_remove_confidant(user, confidant)]


# Changing

def start_resignation(session: Session, user: User, effective_on: date | None) -> RoleEnding:
    """The confidant lays down the role from ``effective_on`` (today or later)."""
    confidant = own_entry(session, user) if policy.can_lay_down_role(user) else None
    if confidant is None:
        raise NotAllowed(_l("Alleen een vertrouwenspersoon legt de eigen rol neer."))
    _check_none_open(session, confidant)
    _check_effective(effective_on)
    ending = RoleEnding(confidant_id=confidant.id, confidant=confidant, kind=EndingKind.RESIGNATION,
                        state=EndingState.OPEN, effective_on=effective_on, started_by_id=user.id, started_at=now(),
                        confidant_agrees=True)
    session.add(ending)
    session.flush()
    _start_process(session, ending, user)
    return ending


def start_removal(session: Session, user: User, confidant_id: int | None, effective_on: date | None,
                  representatives_agreed_on: date | None) -> RoleEnding:
    """The EOC removes a confidant of the secretary's entity from ``effective_on``, against the confidant's will
    (a confidant who agrees lays the role down themselves). Without the representatives' prior agreement the
    removal is kept as refused (state REFUSED) and nothing starts: the caller tells why (``INSPECTION_ADVICE``)."""
    confidant = session.get(Confidant, confidant_id) if confidant_id else None
    if confidant is None or confidant.status not in IN_ROLE:
        raise InvalidData({"confidant": str(_l("Kies een vertrouwenspersoon van uw entiteit."))})
    if not policy.can_remove_confidant(user, confidant):
        raise NotAllowed(_l("Alleen de EOC-secretaris van de eigen entiteit start een ontheffing."))
    _check_none_open(session, confidant)
    _check_effective(effective_on)
    _check_agreement(confidant, representatives_agreed_on)
    ending = RoleEnding(confidant_id=confidant.id, confidant=confidant, kind=EndingKind.REMOVAL, state=EndingState.OPEN,
                        effective_on=effective_on, started_by_id=user.id, started_at=now(),
                        confidant_agrees=False, representatives_agreed_on=representatives_agreed_on)
    if representatives_agreed_on is None:
        ending.state, ending.ended_at = EndingState.REFUSED, now()
        session.add(ending)
        session.flush()
        return ending
    session.add(ending)
    session.flush()
    _start_process(session, ending, user)
    return ending


def withdraw(session: Session, user: User, ending_id: int) -> RoleEnding:
    """Taken back before the effective date by who started it: the process stops, its tasks lapse."""
    ending = session.get(RoleEnding, ending_id)
    if ending is None or not (policy.can_withdraw_role_ending(user, ending) or _follows(user, ending)):
        raise NotFound(_l("Deze beëindiging van de rol bestaat niet."))
    if not policy.can_withdraw_role_ending(user, ending):
        raise NotAllowed(_l("Alleen wie de beëindiging startte, kan ze intrekken."))
    if ending.state != EndingState.OPEN or today() >= ending.effective_on:
        raise InvalidData({}, str(_l("Deze beëindiging kan niet meer ingetrokken worden: ze is niet meer lopend of "
                                     "de datum van ingang is bereikt.")))
    ending.state, ending.ended_at = EndingState.WITHDRAWN, now()
    if ending.instance_id is not None:
        instances.terminate(session, ending.instance_id, user, str(_l("De beëindiging van de rol werd ingetrokken.")))
    resignation_mail.withdrawn(session, ending)
    session.flush()
    return ending


def _follows(user: User, ending: RoleEnding) -> bool:
    """``user`` knows of this ending: it is theirs, or of an entity whose endings they follow."""
    if ending.confidant.user_id == user.id:
        return True
    scope = policy.role_ending_entity_ids(user)
    return scope is None or ending.confidant.entity_id in scope


# Dates

def effective_at(effective_on: date) -> str:
    """The moment the role ends: the start of the effective date in the display time zone, as UTC ISO (the
    process's timers read it)."""
    zone = ZoneInfo(current_settings().display_timezone)
    return datetime.combine(effective_on, time(0), zone).astimezone(timezone.utc).isoformat()


def _days_left(ending: RoleEnding | None) -> int | None:
    return None if ending is None else max((ending.effective_on - today()).days, 0)


def _check_effective(effective_on: date | None) -> None:
    if effective_on is None:
        raise InvalidData({"effective_on": str(_l("Geef de datum waarop de rol eindigt."))})
    if effective_on < today():
        raise InvalidData({"effective_on": str(_l("De datum van ingang kan niet in het verleden liggen."))})
    if effective_on > today() + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidData({"effective_on": str(_l("Kies een datum binnen het jaar."))})


def _check_agreement(confidant: Confidant, representatives_agreed_on: date | None) -> None:
    """The representatives agreed to this removal: not in the future, and not before the appointment it undoes."""
    if representatives_agreed_on is None:
        return
    if representatives_agreed_on > today():
        raise InvalidData({"representatives_agreed_on": str(_l("Het akkoord moet voorafgaan: de datum kan niet in "
                                                               "de toekomst liggen."))})
    if representatives_agreed_on < confidant.appointed_on:
        raise InvalidData({"representatives_agreed_on": str(_l(
            "Het akkoord kan niet van vóór de aanstelling van %(name)s zijn (%(date)s).", name=confidant.name,
            date=format_date(confidant.appointed_on)))})


def _check_none_open(session: Session, confidant: Confidant) -> None:
    if open_ending(session, confidant.id) is not None:
        raise InvalidData({}, str(_l("Voor %(name)s loopt al een beëindiging van de rol.", name=confidant.name)))


def _open_counts(session: Session, user_ids: list[int | None]) -> dict[int, int]:
    ids = [user_id for user_id in user_ids if user_id is not None]
    if not ids:
        return {}
    return dict(session.execute(select(Dossier.confidant_id, func.count()).where(
        Dossier.confidant_id.in_(ids), Dossier.closed_on.is_(None), Dossier.shredded_at.is_(None))
        .group_by(Dossier.confidant_id)).all())


def _start_process(session: Session, ending: RoleEnding, actor: User) -> None:
    confidant = ending.confidant
    version = registry.current_version(session, MODEL)

    def link(instance: ProcessInstance) -> None:  # before the first step: a date of today ends the role at once
        ending.instance_id = instance.id

    runner.start(session, version, confidant.entity_id, actor, subject=confidant.name, created=link, data={
        "role_ending_id": ending.id, "kind": str(ending.kind), "confidant_id": confidant.id,
        "confidant_user_id": confidant.user_id, "effective_on": ending.effective_on.isoformat(),
        "effective_at": effective_at(ending.effective_on),
        "open_dossiers": len(open_dossier_ids(session, confidant.user_id)),
    })
    session.flush()
    resignation_mail.started(session, ending)
