"""Handing dossiers over before the role ends (R19, R2): each open dossier of the confidant is closed by them, or
handed over to another active confidant of the same entity or to the entity's PAPSY, and only after the confidant
recorded the requester's consent (date and how it was given).

The hand-over itself is app/dossiers/sharing.hand_over: the outgoing confidant's key, held while they are signed in,
opens the dossier's key and wraps it for the receiver; the audit log records it. Here: who may receive, the page's
rows (categorical facts only) and what follows a hand-over (the dossier's open step moves along, the receiver is
told by mail).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth import policy
from app.crypto import user_keys
from app.dossiers import sharing
from app.dossiers.services import DossierRefused, NeedsRecovery, NotYours, today
from app.engine import runner
from app.engine.errors import InvalidData, NotAllowed
from app.lifecycle import resignation, resignation_mail
from app.models import Confidant, ConfidantStatus, Role, Task, TaskState, User
from app.models.dossiers import Dossier
from app.models.lifecycle import ConsentWay, DossierShare, EndingState, RoleEnding


@dataclass(frozen=True)
class Receiver:
    user_id: int
    name: str
    role: str  # "confidant" or "papsy", for the words beside the name


def receivers(session: Session, ending: RoleEnding) -> list[Receiver]:
    """Who may receive the outgoing confidant's dossiers: the other active confidants of the entity who are not
    leaving themselves, then the entity's PAPSY; each with a key pair (a dossier is wrapped for it)."""
    entity_id, outgoing = ending.confidant.entity_id, ending.confidant.user_id
    leaving = select(RoleEnding.confidant_id).where(RoleEnding.state == EndingState.OPEN)
    colleagues = session.scalars(select(User).join(Confidant, Confidant.user_id == User.id).where(
        Confidant.entity_id == entity_id, Confidant.status == ConfidantStatus.ACTIVE, Confidant.id.not_in(leaving),
        User.id != outgoing, User.active.is_(True)).order_by(User.name))
    found = [Receiver(person.id, person.name, Role.CONFIDANT.value) for person in colleagues]
    found += [Receiver(person.id, person.name, Role.PAPSY.value) for person in resignation_mail.papsy_of(session, entity_id)
              if person.id != outgoing]
    return [receiver for receiver in found if user_keys.public_key(session, receiver.user_id) is not None
            and policy.can_receive_dossier(session.get(User, receiver.user_id), entity_id)]


@dataclass(frozen=True)
class HandedOver:
    dossier_id: int
    receiver: str
    consent_on: date
    consent_way: str
    shared_at: datetime


def handed_over(session: Session, ending: RoleEnding) -> list[HandedOver]:
    """The hand-overs made for this role ending, oldest first, with the receiver's name."""
    rows = session.execute(select(DossierShare, User.name).join(User, User.id == DossierShare.to_user_id)
                           .where(DossierShare.role_ending_id == ending.id)
                           .order_by(DossierShare.shared_at, DossierShare.id)).all()
    return [HandedOver(share.dossier_id, name, share.consent_on, share.consent_way, share.shared_at)
            for share, name in rows]


def hand_over(session: Session, keeper: User, private: bytes, dossier_id: int, receiver_id: int | None,
              consent_on: date | None, consent_way: str | None) -> DossierShare:
    """The keeper's open dossier goes to ``receiver_id`` with the requester's recorded consent, while the keeper's
    role ending runs and before its effective date (``private``: the keeper's key, held while signed in). Refused
    with the reason otherwise (InvalidData per field; NotAllowed without a role ending)."""
    ending = _running_ending(session, keeper)
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.confidant_id != keeper.id:
        raise NotYours()
    if dossier.closed_on is not None:
        raise InvalidData({}, str(_l("Dit dossier is afgesloten: het blijft bij u tot de datum van ingang, daarna "
                                     "opent alleen het herstel het nog.")))
    receiver = _receiver(session, ending, receiver_id)
    try:
        share = sharing.hand_over(session, keeper, private, dossier.id, receiver, consent_on, consent_way,
                                  role_ending_id=ending.id)
    except DossierRefused as refused:
        raise InvalidData({refused.field or "": str(refused.message)}, str(refused.message)) from refused
    except NeedsRecovery as locked:
        raise InvalidData({}, str(_l("Dit dossier werd vergrendeld voor uw vorige sleutel: het kan pas na het "
                                     "herstel overgedragen worden."))) from locked
    _move_open_steps(session, dossier, keeper, receiver)
    resignation_mail.handed_over(session, dossier.id, keeper, receiver)
    return share


def consent_ways() -> list[tuple[str, object]]:
    """How a requester can have given consent, in words."""
    return [(ConsentWay.IN_PERSON.value, _l("mondeling, in een gesprek")), (ConsentWay.PHONE.value, _l("telefonisch")),
            (ConsentWay.EMAIL.value, _l("per e-mail")), (ConsentWay.WRITTEN.value, _l("schriftelijk"))]


def _running_ending(session: Session, keeper: User) -> RoleEnding:
    confidant = resignation.own_entry(session, keeper)
    ending = resignation.open_ending(session, confidant.id) if confidant else None
    if ending is None:
        raise NotAllowed(_l("Dossiers worden zo overgedragen wanneer u uw rol neerlegt."))
    if today() >= ending.effective_on:
        raise InvalidData({}, str(_l("De datum van ingang is bereikt: u kunt geen dossiers meer overdragen.")))
    return ending


def _receiver(session: Session, ending: RoleEnding, receiver_id: int | None) -> User:
    allowed = {receiver.user_id for receiver in receivers(session, ending)}
    receiver = session.get(User, receiver_id) if receiver_id in allowed else None
    if receiver is None or not policy.can_receive_dossier(receiver, ending.confidant.entity_id):
        raise InvalidData({"receiver": str(_l("Kies een actieve vertrouwenspersoon van uw entiteit of de PAPSY."))})
    return receiver


def _move_open_steps(session: Session, dossier: Dossier, keeper: User, receiver: User) -> None:
    """A delicate case's step that waits for the keeper (its summary) now waits for the receiver."""
    if dossier.escalation_instance_id is None:
        return
    lane = Role.CONFIDANT.value if receiver.has_role(Role.CONFIDANT) else Role.PAPSY.value
    for task in session.scalars(select(Task).where(Task.instance_id == dossier.escalation_instance_id,
                                                   Task.assignee_id == keeper.id, Task.state == TaskState.READY)):
        session.execute(update(Task).where(Task.id == task.id).values(assignee_id=receiver.id, lane=lane),
                        execution_options={"synchronize_session": False})
        runner.record(session, task.instance, "assigned", task.title, keeper, detail=receiver.name)
