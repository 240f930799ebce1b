"""Who may see the network's figures and keep its registers (issue 13): the anonymous reports (R7), the register of
facts by third parties and its measures (R20), the contacts with the PAPSY (R21), the yearly sharing of repeated
incidents (R8) and the annual evaluation (R18). Part of the one authorization policy: ``policy`` re-exports these."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.network_policy import compliance_entity_ids
from app.models import Confidant, ConfidantStatus, Role, User


def report_entity_ids(user: User) -> set[int]:
    """R7's anonymous reports per entity: a PAPSY for their entities, an EOC secretary for their own entity; admins
    and confidants, as such, none (an admin runs the platform; a confidant keeps dossiers, not statistics)."""
    return compliance_entity_ids(user)


def can_view_network_report(user: User) -> bool:
    """The network's report (all entities, each count suppressed) is the GDPB's: its PAPSY."""
    return user.has_role(Role.PAPSY)


def can_view_reports(user: User) -> bool:
    return can_view_network_report(user) or bool(report_entity_ids(user))


def can_view_entity_report(user: User, entity_id: int) -> bool:
    return entity_id in report_entity_ids(user)
# The register of facts by third parties (R20) and the contacts with the PAPSY (R21): app/register/, app/contacts/.

def register_keeper(session: Session, user: User) -> Confidant | None:
    """Whose register a user keeps: their own roster entry while they are a confidant (active or temporarily
    inactive). A former confidant, an admin (whatever other role the account holds) or anyone else keeps none."""
    from app.auth.policy import can_keep_dossiers

    if not can_keep_dossiers(user) or user.has_role(Role.ADMIN):
        return None
    return session.scalar(select(Confidant).where(Confidant.user_id == user.id,
                                                  Confidant.status != ConfidantStatus.FORMER))


def can_keep_register(user: User) -> bool:
    """The navigation's cheap question (no query): a confidant account, not an admin's. The pages ask
    ``register_keeper``, which also turns a former confidant away."""
    from app.auth.policy import can_keep_dossiers

    return can_keep_dossiers(user) and not user.has_role(Role.ADMIN)


def can_read_register_texts(user: User) -> bool:
    """A fact's description is its confidant's alone, as a dossier note (R2): only in their own signed-in session,
    never through an API token (the register service finds the fact among their own)."""
    from app.auth.policy import can_read_confidential

    return can_keep_register(user) and can_read_confidential(user)


def register_report_entity_ids(session: Session, user: User) -> set[int]:
    """Whose anonymous register report a user sees (it feeds the entity's prevention policy): a PAPSY their
    entities', an EOC secretary their own entity's; an admin none. Never the entity's confidants, whatever other role
    they hold: they feed its register and know their own facts, so their own subtracted from a count would leave a
    colleague's (a count K is meant to hide)."""
    if user.has_role(Role.ADMIN):
        return set()
    entity_ids: set[int] = set()
    if user.has_role(Role.PAPSY):
        entity_ids |= {entity.id for entity in user.papsy_entities}
    if user.has_role(Role.EOC_SECRETARY) and user.entity_id is not None:
        entity_ids.add(user.entity_id)
    keeper = register_keeper(session, user) if entity_ids and can_keep_register(user) else None
    if keeper is not None:
        entity_ids.discard(keeper.entity_id)
    return entity_ids


def can_view_register_report(user: User) -> bool:
    """The navigation's cheap question for the report (the page asks ``register_report_entity_ids``): a PAPSY or an
    EOC secretary, not an admin; a confidant keeps the register and never reads its report."""
    return not user.has_role(Role.ADMIN) and (user.has_role(Role.PAPSY) or user.has_role(Role.EOC_SECRETARY))


def can_read_entity_measures(user: User, entity_id: int) -> bool:
    """The proposed prevention measures of an entity, their text and outcome, are for its PAPSY (who follows the
    prevention policy up with the entity); the confidant reads their own on their facts. The EOC secretary sees
    counts only: a measure's text may tell of the fact it follows."""
    return (user.has_role(Role.PAPSY) and not user.has_role(Role.ADMIN)
            and any(entity.id == entity_id for entity in user.papsy_entities))


def contact_entity_ids(session: Session, user: User) -> set[int]:
    """Whose contacts with the PAPSY a user keeps and lists (R21): a confidant their own (their entity), a PAPSY
    those of their entities' confidants; nobody else."""
    if user.has_role(Role.ADMIN):
        return set()
    if user.has_role(Role.PAPSY):
        return {entity.id for entity in user.papsy_entities}
    keeper = register_keeper(session, user) if can_keep_register(user) else None
    return {keeper.entity_id} if keeper is not None else set()


def can_keep_contacts(user: User) -> bool:
    """The navigation's cheap question (the pages ask ``contact_entity_ids``)."""
    return can_keep_register(user) or (user.has_role(Role.PAPSY) and not user.has_role(Role.ADMIN))


# ---- The yearly sharing of repeated incidents (R8): app/incidents/ ----

def can_write_incident_account(user: User, confidant_user_id: int | None) -> bool:
    """The confidant whose sharing it is writes its account and sees the dossiers it is about; never through an API
    token (the account is confidential text)."""
    from app.auth.policy import can_read_confidential

    return (user.has_role(Role.CONFIDANT) and confidant_user_id is not None and user.id == confidant_user_id
            and can_read_confidential(user))


def can_read_incident_account(user: User, entity_id: int) -> bool:
    """The PAPSY of the confidant's entity reads the account (with their own key, audited); not the employer (EOC
    secretary), not an admin, not another entity's PAPSY; never through an API token."""
    from app.auth.policy import can_read_confidential

    return (user.has_role(Role.PAPSY) and any(entity.id == entity_id for entity in user.papsy_entities)
            and can_read_confidential(user))


# The annual evaluation per entity (R18): app/evaluation/.

def evaluation_entity_ids(user: User) -> set[int]:
    """The entities whose evaluations a user reads: a PAPSY their entities, an EOC secretary their own. Not an
    admin's as such (the platform's operators regenerate evaluations but read no figures of them)."""
    return compliance_entity_ids(user)


def can_view_evaluation(user: User, entity_id: int) -> bool:
    return entity_id in evaluation_entity_ids(user)


def can_regenerate_evaluations(user: User) -> bool:
    """Admins (re)generate evaluations: they see which exist and when they were made, never their figures."""
    return user.has_role(Role.ADMIN)


def can_open_evaluations(user: User) -> bool:
    """The menu's and the list's question: who has evaluations to read or to regenerate."""
    return bool(evaluation_entity_ids(user)) or can_regenerate_evaluations(user)


def can_see_papsy_signals(user: User, entity_id: int) -> bool:
    """Per confidant, the delicate-case consultations and the signal of three years without a dossier are the
    PAPSY's (who holds the conversation), never the employer's: they tell of cases and of a person's workload."""
    return user.has_role(Role.PAPSY) and any(entity.id == entity_id for entity in user.papsy_entities)


def can_see_working_conversation(session: Session, user: User, conversation) -> bool:
    """A "conversation about the role" is for the PAPSY of the confidant's entity and for that confidant."""
    if can_see_papsy_signals(user, conversation.entity_id):
        return True
    confidant = session.get(Confidant, conversation.confidant_id)
    return confidant is not None and confidant.user_id is not None and confidant.user_id == user.id
