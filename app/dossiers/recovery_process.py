"""Recovery of dossiers through the GDPB recovery key (bpmn/key_recovery.bpmn): a PAPSY requests, an admin who
is not that PAPSY approves by supplying the offline private key at that moment. Two cases: a confidant whose
password an admin reset gets their older dossiers back; a dossier is handed over to another confidant or to a PAPSY
of the entity with the requester's consent (also one left open when its keeper's role ended, R19). The key is used
in memory for that request and never stored; each re-wrapped dossier is audited."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth import policy
from app.auth.accounts import find_user
from app.crypto import contexts, keys, recovery, user_keys
from app.dossiers import audit, sharing
from app.dossiers.audit import Action
from app.dossiers.services import NeedsRecovery, recover_data_key
from app.engine import runner
from app.models import Confidant, ConfidantStatus, Role, Task, TaskState, User
from app.models.dossiers import (
    Consultation,
    ConsultationKey,
    Dossier,
    DossierKey,
    EscalationSummary,
    ReaderKind,
    SummaryKey,
)
from app.models.lifecycle import DossierShare, ShareKind
from app.workflow.checks import form_check

PROCESS, APPROVAL = "key_recovery", "approve_recovery"
# M27: a shredded dossier has no key left, the recovery key's wrap included; there is nothing to open again.
SHREDDED = _l("Dit dossier werd na de bewaartermijn vernietigd: zijn inhoud en sleutels bestaan niet meer, ook niet "
              "voor de herstelsleutel. Er valt niets te herstellen of over te dragen.")


class RecoveryRefused(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@form_check("key_recovery_request")
def request_names_confidants_of_the_entity(session: Session, entity_id: int, data: dict) -> dict[str, str]:
    """Whose dossiers, and for a hand-over to whom. A hand-over may come from the dossier's keeper whatever became of
    them since: a confidant of the entity, a former one whose role ended with dossiers left open (R19), or the PAPSY
    a dossier was handed over to; it goes to a confidant or a PAPSY of the entity (``policy.can_receive_dossier``),
    never back to the keeper. A password reset gives a confidant of the entity their own dossiers back."""
    errors = {}
    handover = data.get("kind") == "handover"
    keeper = find_user(session, data.get("confidant_email", ""))
    if handover and (keeper is None or not _was_keeper_here(session, keeper, entity_id)):
        errors["confidant_email"] = str(_l("Niemand met dit e-mailadres houdt of hield dossiers van deze entiteit."))
    elif not handover and (keeper is None or not _confidant_here(keeper, entity_id)):
        errors["confidant_email"] = str(_l("Geen vertrouwenspersoon van deze entiteit met dit e-mailadres."))
    if handover:
        receiver = find_user(session, data.get("new_confidant_email", ""))
        if receiver is None or not policy.can_receive_dossier(receiver, entity_id):
            errors["new_confidant_email"] = str(_l("Geen vertrouwenspersoon of PAPSY van deze entiteit met dit "
                                                   "e-mailadres."))
        elif keeper is not None and receiver.id == keeper.id:
            errors["new_confidant_email"] = str(_l("Kies iemand anders dan wie het dossier nu houdt."))
        dossier = session.get(Dossier, data.get("dossier_id") or 0)
        if dossier is None or keeper is None or dossier.confidant_id != keeper.id or dossier.entity_id != entity_id:
            errors["dossier_id"] = str(_l("Dit dossier hoort niet bij deze vertrouwenspersoon."))
        elif dossier.shredded_at is not None:
            errors["dossier_id"] = str(SHREDDED)
    return errors


def _confidant_here(user: User, entity_id: int) -> bool:
    return user.has_role(Role.CONFIDANT) and user.entity_id == entity_id


def _was_keeper_here(session: Session, keeper: User, entity_id: int) -> bool:
    """``keeper`` keeps or kept dossiers of the entity: its confidant now or before (a roster entry of the entity),
    or a PAPSY (who holds only what was handed over to them)."""
    if _confidant_here(keeper, entity_id) or keeper.has_role(Role.PAPSY):
        return True
    return session.scalar(select(Confidant.id).where(Confidant.user_id == keeper.id, Confidant.entity_id == entity_id,
                                                     Confidant.status == ConfidantStatus.FORMER).limit(1)) is not None


@form_check("key_recovery_approval")
def approval_only_with_the_key(session: Session, entity_id: int, data: dict) -> dict[str, str]:
    return {"acknowledged": str(_l("Keur goed of weiger met het herstelformulier hierboven: de herstelsleutel mag "
                                   "niet in de procesgegevens terechtkomen."))}


def decide(session: Session, admin: User, task_id: int, approve: bool, key_file: bytes | None) -> int:
    """The admin's decision on a recovery request; returns how many dossiers were opened again."""
    task = session.get(Task, task_id)
    if task is None or task.spec_name != APPROVAL or task.state != TaskState.READY:
        raise RecoveryRefused(_l("Deze aanvraag wacht niet meer op een beslissing."))
    if not policy.can_complete(admin, task):
        raise RecoveryRefused(_l("Alleen een beheerder beslist over een herstel."))
    if task.instance.started_by_id == admin.id:
        raise RecoveryRefused(_l("Herstel vraagt twee personen: wie het vroeg, kan het niet goedkeuren."))
    recovered = 0
    if approve:
        if not key_file:
            raise RecoveryRefused(_l("Geef de herstelsleutel (het PEM-bestand) om goed te keuren."))
        private = recovery.load_private(key_file)
        recovered = _rewrap(session, admin, runner.task_view(task).data, private)
    runner.complete(session, task, {"decision": "approve" if approve else "refuse", "recovered": recovered}, admin)
    return recovered


def _rewrap(session: Session, admin: User, data: dict, recovery_private: bytes) -> int:
    confidant = find_user(session, data["confidant_email"])
    if data["kind"] == "handover":
        reader = find_user(session, data["new_confidant_email"])
        dossiers = [session.get(Dossier, data["dossier_id"])]
        if dossiers[0].shredded_at is not None:  # shredded after the request was made
            raise RecoveryRefused(SHREDDED)
        if reader is None or not policy.can_receive_dossier(reader, dossiers[0].entity_id):  # changed since
            raise RecoveryRefused(_l("Wie het dossier zou ontvangen, is geen vertrouwenspersoon of PAPSY van de "
                                     "entiteit meer. Weiger dit herstel en vraag het opnieuw aan."))
    else:
        reader = confidant
        dossiers = list(session.scalars(select(Dossier).where(Dossier.confidant_id == confidant.id,
                                                              Dossier.shredded_at.is_(None))))
    if reader.account_reset_by_id == admin.id:
        raise RecoveryRefused(_l("U stelde het account van deze vertrouwenspersoon zelf opnieuw in: een andere "
                                 "beheerder keurt dit herstel goed. Zo kan niemand alleen een account met zijn "
                                 "dossiers overnemen."))
    public = None if reader.password_temporary else user_keys.public_key(session, reader.id)
    if public is None:  # only a key sealed under the reader's own password may receive the dossiers
        raise RecoveryRefused(_l("De vertrouwenspersoon heeft nog geen eigen wachtwoord gekozen, en dus nog geen "
                                 "sleutel. Keur het herstel goed nadat die zich met het tijdelijke wachtwoord of de "
                                 "link aanmeldde en een eigen wachtwoord koos."))
    count = 0
    for dossier in dossiers:
        try:
            data_key = recover_data_key(session, dossier.id, recovery_private)
        except NeedsRecovery as exc:
            raise RecoveryRefused(_l("Deze herstelsleutel opent de dossiers niet.")) from exc
        context = contexts.data_key_for(dossier.id, ReaderKind.OWNER, reader.id)
        session.query(DossierKey).filter(DossierKey.dossier_id == dossier.id,
                                         DossierKey.reader == ReaderKind.OWNER.value).delete()
        session.add(DossierKey(dossier_id=dossier.id, reader=ReaderKind.OWNER.value, reader_id=reader.id,
                               wrapped=keys.wrap_key(public, data_key, context)))
        _rewrap_sealed(session, SummaryKey, SummaryKey.summary_id, session.scalar(
            select(EscalationSummary.id).where(EscalationSummary.dossier_id == dossier.id)),
            contexts.summary_key_for, recovery_private, reader.id, public)
        _rewrap_sealed(session, ConsultationKey, ConsultationKey.consultation_id, session.scalar(
            select(Consultation.id).where(Consultation.dossier_id == dossier.id)),
            contexts.consultation_key_for, recovery_private, reader.id, public)
        if dossier.confidant_id != reader.id:  # a hand-over: the former keeper's stand-in reads it no more
            for share in session.scalars(select(DossierShare).where(
                    DossierShare.dossier_id == dossier.id, DossierShare.kind == ShareKind.STAND_IN,
                    DossierShare.ended_at.is_(None))).all():
                sharing.end_stand_in(session, share, admin.id)
        dossier.confidant_id = reader.id
        audit.record(session, admin.id, dossier.id, Action.RECOVER)
        count += 1
    session.flush()
    return count


def _rewrap_sealed(session: Session, key_table, id_column, sealed_id: int | None, context_for,
                   recovery_private: bytes, reader_id: int, public: bytes) -> None:
    """A delicate dossier's summary or consultation (``sealed_id``, if it has one) opened with the recovery key and
    its key wrapped for the dossier's (new) confidant, as the dossier's own key is."""
    if sealed_id is None:
        return
    data_key = None
    for row in session.scalars(select(key_table).where(id_column == sealed_id,
                                                       key_table.reader == ReaderKind.RECOVERY.value)):
        try:
            data_key = keys.unwrap_key(recovery_private, row.wrapped,
                                       context_for(sealed_id, ReaderKind.RECOVERY, row.reader_id))
            break
        except keys.CryptoError:
            continue
    if data_key is None:
        raise RecoveryRefused(_l("Deze herstelsleutel opent de samenvatting of het consult van een dossier niet."))
    session.execute(delete(key_table).where(id_column == sealed_id, key_table.reader == ReaderKind.OWNER.value))
    session.add(key_table(**{id_column.key: sealed_id}, reader=ReaderKind.OWNER.value, reader_id=reader_id,
                          wrapped=keys.wrap_key(public, data_key, context_for(sealed_id, ReaderKind.OWNER, reader_id))))
