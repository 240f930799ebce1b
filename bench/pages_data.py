"""The data behind bench/pages.py: a database of Vertrouwd's expected size, made in seconds.

Schema by Alembic, process models from bpmn/ and forms/ (what `vertrouwd init` does), then rows in bulk (COPY on
PostgreSQL, executemany elsewhere), not through the engine: 20 entities, an admin, 5 PAPSY (4 entities each), an EOC
secretary and 8 confidants per entity, the roster, INSTANCES instances over the shipped models with 3 tasks each
(10 % READY: some claimed, due dates late, soon, later or none as the models set them), DOSSIERS dossiers over the
160 confidants. ``state_json`` is a placeholder that list pages never load (bench/pages_profile.py checks): the
instance and task pages cannot open this data. The first confidant of each entity is "benched": a key pair, and
dossiers sealed as the application seals them; the others' sealed columns are random bytes of the same length.
Every user has PASSWORD and, if the role needs one, TOTP_SECRET as second factor, sealed under SETTINGS["TOTP_KEY"]
(the server runs with SETTINGS).
"""
from __future__ import annotations

import random
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.orm import Session, undefer

from app.auth import second_factor
from app.auth.passwords import hash_password
from app.config import PROJECT_ROOT
from app.crypto import contexts, keys, recovery, user_keys
from app.crypto.keys import KdfParams
from app.engine.registry import import_directory
from app.engine.serialization import version_spec
from app.engine.specs import user_task_form
from app.models import (
    Confidant, Dossier, DossierFact, DossierKey, DossierNote, Entity, ProcessInstance, ProcessModelVersion, Task,
    User, UserRole,
)
from app.models.people import papsy_assignment
from app.setup import upgrade_database

PASSWORD = "bench-wachtwoord-1"
TOTP_SECRET = "BENCHPAGESBENCHPAGESBENCHPAGES23"
SETTINGS = {"SECRET_KEY": "bench-secret-key", "TOTP_KEY": "bench-totp-key", "AUDIT_KEY": "bench-audit-key"}
ENTITIES = [
    ("OMG", "Departement Omgeving"), ("AWV", "Agentschap Wegen en Verkeer"),
    ("DKB", "Departement Kanselarij en Buitenland"), ("FB", "Departement Financiën en Begroting"),
    ("WSE", "Departement Werk en Sociale Economie"), ("OV", "Departement Onderwijs en Vorming"),
    ("ZG", "Departement Zorg"), ("MOW", "Departement Mobiliteit en Openbare Werken"),
    ("LV", "Departement Landbouw en Visserij"), ("CJM", "Departement Cultuur, Jeugd en Media"),
    ("VLABEL", "Vlaamse Belastingdienst"), ("DV", "Digitaal Vlaanderen"), ("OG", "Opgroeien"),
    ("AGODI", "Agentschap voor Onderwijsdiensten"), ("VMM", "Vlaamse Milieumaatschappij"),
    ("ANB", "Agentschap Natuur en Bos"),
    ("AO", "Agentschap Overheidspersoneel"), ("VEKA", "Vlaams Energie- en Klimaatagentschap"),
    ("AIV", "Agentschap Informatie Vlaanderen"), ("WVG", "Departement Welzijn, Volksgezondheid en Gezin"),
]
CONFIDANTS_PER_ENTITY, PAPSY_COUNT, ENTITIES_PER_PAPSY = 8, 5, 4
FIRST = ["Jan", "An", "Pieter", "Els", "Tom", "Sofie", "Koen", "Lies", "Bart", "Hilde", "Wim", "Nele", "Dirk", "Eva",
         "Joris", "Griet", "Stijn", "Ine", "Ruben", "Katrien"]
LAST = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
        "Dubois", "Hermans", "Aerts", "Michiels", "Desmet", "Van den Broeck", "Verhaegen", "Lambrechts", "Segers",
        "Vos"]
MODEL_MIX = {"appointment": 0.45, "training_deadline": 0.52, "delicate_case": 0.025, "key_recovery": 0.005}
THEMES = ["stress", "burnout", "conflict", "bullying", "work_organisation", "private_situation", "discrimination"]
PERSONS = ["colleague", "direct_manager", "third_party"]
INTERVENTIONS = ["listening", "preparation", "intervention", "conciliation"]
OUTCOMES = ["resolved", "referred_elsewhere", "stopped_by_requester", "not_resolved"]
CHEAP_KDF = KdfParams(iterations=1, memory_kib=1024, lanes=1)  # the benched confidants' key pairs: fast logins


@dataclass(frozen=True)
class Size:
    instances: int
    tasks: int
    dossiers: int

    @classmethod
    def of(cls, instances: int) -> Size:
        """The issue's proportions: 100,000 instances, 300,000 tasks, 50,000 dossiers (and 10k/30k/5k)."""
        return cls(instances, instances * 3, instances // 2)


@dataclass
class People:
    entities: list[tuple[int, str]]  # (id, code)
    admin: int
    papsy: dict[int, int]  # entity id -> its PAPSY
    secretaries: dict[int, int]  # entity id -> its EOC secretary
    confidants: dict[int, list[int]]  # entity id -> its confidants (the first is benched)


def generate(url: str, size: Size, seed: int = 9) -> dict[str, int]:
    """Migrate and fill the (empty) database at ``url``; returns the row counts."""
    upgrade_database(url)
    engine = create_engine(url)
    rng = random.Random(seed)
    moment = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)  # naive UTC, as the columns store it
    try:
        with bench_keys(), Session(engine, expire_on_commit=False) as session:
            import_directory(session, PROJECT_ROOT / "bpmn", PROJECT_ROOT / "forms")
            with tempfile.TemporaryDirectory() as folder:  # its private half is not needed: nothing is recovered
                made = recovery.init(session, Path(folder) / "recovery.pem")
            recovery_key = (made.id, made.public_key)
            session.commit()
            versions = list(session.scalars(select(ProcessModelVersion)
                                            .options(undefer(ProcessModelVersion.spec_json))))
            people = _people(session.connection(), moment)
            session.commit()
            publics = _benched_key_pairs(session, people)
            session.commit()
        with engine.begin() as connection:
            delicate = _instances_and_tasks(connection, rng, size, people, versions, moment)
            _dossiers(connection, rng, size, people, delicate, publics, recovery_key, moment)
            _fix_sequences(connection)
        return _analyze(engine)
    finally:
        engine.dispose()


@contextmanager
def bench_keys():
    """The bench server's TOTP key and a cheap key sealing, for a while; then this process's own settings again."""
    kept = second_factor._sealing_key, user_keys._params  # noqa: SLF001 (the modules keep them as globals)
    second_factor.configure(SETTINGS["TOTP_KEY"])
    user_keys.configure(CHEAP_KDF)
    try:
        yield
    finally:
        second_factor._sealing_key, user_keys._params = kept


def _people(connection: Connection, moment: datetime) -> People:
    password_hash = hash_password(PASSWORD)  # one production-cost hash for everyone: each made anew costs 0.25 s
    entities = [(n + 1, code) for n, (code, _) in enumerate(ENTITIES)]
    bulk_insert(connection, Entity.__table__, ["id", "code", "name"],
                [(n + 1, code, name) for n, (code, name) in enumerate(ENTITIES)])
    users, roles, assignments, roster = [], [], [], []

    def add(email: str, name: str, role: str, entity_id: int | None, second: bool = True) -> int:
        user_id = len(users) + 1
        secret = second_factor.seal_secret(user_id, TOTP_SECRET) if second else None
        users.append((user_id, email, name, password_hash, entity_id, True, None, moment, secret, False))
        roles.append((user_id, role))
        return user_id

    admin = add("beheer@gdpb.vlaanderen.example", "Bench Beheerder", "admin", None)
    papsy, secretaries, confidants = {}, {}, {}
    for n in range(PAPSY_COUNT):
        papsy_id = add(f"papsy{n + 1}@gdpb.vlaanderen.example", f"{FIRST[n]} {LAST[n]} (PAPSY)", "papsy", None)
        for entity_id, _ in entities[n * ENTITIES_PER_PAPSY:(n + 1) * ENTITIES_PER_PAPSY]:
            papsy[entity_id] = papsy_id
            assignments.append((papsy_id, entity_id))
    for entity_id, code in entities:
        domain = f"{code.lower()}.vlaanderen.example"
        secretaries[entity_id] = add(f"eoc@{domain}", f"EOC-secretaris {code}", "eoc_secretary", entity_id, False)
        confidants[entity_id] = []
        for k in range(CONFIDANTS_PER_ENTITY):
            name = f"{FIRST[(entity_id + k) % 20]} {LAST[(entity_id * 3 + k) % 20]}"
            user_id = add(f"vp{k + 1}@{domain}", name, "confidant", entity_id)
            confidants[entity_id].append(user_id)
            appointed = date(2019, 1, 1) + timedelta(days=(entity_id * 97 + k * 211) % 2400)
            roster.append((len(roster) + 1, user_id, entity_id, name, f"vp{k + 1}@{domain}", "Medewerker", "active",
                           appointed, appointed + timedelta(days=730),
                           appointed + timedelta(days=400) if k % 3 else None, moment))
        for k in range(2):  # who served earlier: on the full roster, without an account
            appointed = date(2015, 1, 1) + timedelta(days=entity_id * 31 + k * 300)
            roster.append((len(roster) + 1, None, entity_id, f"{FIRST[k]} {LAST[entity_id % 20]}", f"oud{k}@{domain}",
                           "Medewerker", "former", appointed, appointed + timedelta(days=730),
                           appointed + timedelta(days=500), moment))
    bulk_insert(connection, User.__table__, ["id", "email", "name", "password_hash", "entity_id", "active", "locale",
                                             "created_at", "totp_secret", "password_temporary"], users)
    bulk_insert(connection, UserRole.__table__, ["user_id", "role"], roles)
    bulk_insert(connection, papsy_assignment, ["user_id", "entity_id"], assignments)
    bulk_insert(connection, Confidant.__table__, ["id", "user_id", "entity_id", "name", "email", "function", "status",
                                                  "appointed_on", "training_due_on", "training_certified_on",
                                                  "created_at"], roster)
    return People(entities, admin, papsy, secretaries, confidants)


def _benched_key_pairs(session: Session, people: People) -> dict[int, bytes]:
    """A key pair for the first confidant of each entity (cheap Argon2id: the bench logs them in often)."""
    publics = {}
    for members in people.confidants.values():
        user_keys.create_for(session, session.get(User, members[0]), PASSWORD)
        publics[members[0]] = user_keys.public_key(session, members[0])
    return publics


def _instances_and_tasks(connection: Connection, rng: random.Random, size: Size, people: People,
                         versions: list[ProcessModelVersion], moment: datetime) -> list[tuple[int, int, str]]:
    """Instances with 3 tasks each; returns (instance id, confidant, state) of the delicate cases."""
    by_key = {version.model_key: version for version in versions}
    steps = {key: _user_tasks(version) for key, version in by_key.items()}
    models = list(MODEL_MIX)
    instances, tasks, delicate = [], [], []
    per_instance = max(1, size.tasks // size.instances)
    for instance_id in range(1, size.instances + 1):
        key = rng.choices(models, weights=list(MODEL_MIX.values()))[0]
        version = by_key[key]
        entity_id = people.entities[rng.randrange(len(people.entities))][0]
        confidant = rng.choice(people.confidants[entity_id])
        status = rng.choices(["running", "completed", "cancelled", "incident"], weights=[30, 66, 3, 1])[0]
        started = moment - timedelta(minutes=rng.randrange(60, (300 if status == "running" else 1100) * 1440))
        at, owner_steps = started, steps[key]
        start_step = [s for s in owner_steps if s["spec_name"] == version.start_task]
        others = [s for s in owner_steps if s["spec_name"] != version.start_task]
        chosen = (start_step + [rng.choice(others) for _ in range(per_instance)])[:per_instance]
        rows = []
        for n, step in enumerate(chosen):
            state = "completed" if n < per_instance - 1 or status in ("completed", "incident") else \
                ("ready" if status == "running" else "cancelled")
            at = min(at + timedelta(minutes=rng.randrange(5, 7 * 1440)), moment - timedelta(minutes=1))
            rows.append(_task_row(rng, len(tasks) + len(rows) + 1, (instance_id, version.id, entity_id), step, state,
                                  at, people, confidant, moment))
        subject = _subject(rng, key, confidant, people, entity_id)  # drawn after the tasks: the same data as before
        tasks.extend((*row, subject) for row in rows)  # each task carries its instance's subject
        ended = at if status in ("completed", "cancelled") else None
        starter = people.secretaries[entity_id] if key == "appointment" else \
            people.papsy[entity_id] if key == "key_recovery" else None
        instances.append((instance_id, version.id, entity_id, status, subject, '{"bench": "placeholder"}', 1,
                          starter, started, at, ended, "Bench: een automatische stap faalde" if status == "incident"
                          else None))
        if key == "delicate_case":
            delicate.append((instance_id, confidant, status))
    bulk_insert(connection, ProcessInstance.__table__,
                ["id", "model_version_id", "entity_id", "status", "subject", "state_json", "lock_version",
                 "started_by_id", "started_at", "updated_at", "completed_at", "incident"], instances)
    bulk_insert(connection, Task.__table__, TASK_COLUMNS, tasks)
    return delicate


TASK_COLUMNS = ["id", "instance_id", "model_version_id", "spiff_task_id", "spec_name", "title", "lane", "entity_id",
                "assignee_id", "claimed_at", "form_name", "due_at", "state", "created_at", "completed_at",
                "completed_by_id", "notified_at", "open_to_lane_at", "subject"]


def _user_tasks(version: ProcessModelVersion) -> list[dict]:
    """The user tasks of a deployed version, as the projection names them (app/engine/projection.py)."""
    spec = version_spec(version)[0]
    found = []
    for task_spec in spec.task_specs.values():
        if not task_spec.manual:
            continue
        properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
        found.append({"spec_name": task_spec.name, "title": task_spec.bpmn_name or task_spec.name,
                      "lane": task_spec.lane or "", "form_name": user_task_form(task_spec),
                      "due": "dueAtVariable" in properties, "open_to_lane": "openToLaneAtVariable" in properties,
                      "assigned": "assigneeVariable" in properties})
    return sorted(found, key=lambda step: step["spec_name"])


def _task_row(rng: random.Random, task_id: int, of: tuple[int, int, int], step: dict, state: str,
              created: datetime, people: People, confidant: int, moment: datetime) -> tuple:
    """A task of instance ``of`` (its id, model version and entity), in TASK_COLUMNS' order but the subject."""
    instance_id, version_id, entity_id = of
    actor = {"confidant": confidant, "papsy": people.papsy[entity_id], "eoc_secretary": people.secretaries[entity_id],
             "admin": people.admin}.get(step["lane"])
    claimed = state == "ready" and not step["assigned"] and rng.random() < 0.15  # 15 % taken from the lane
    assignee = actor if step["assigned"] or claimed else None  # or named by the process (claimed_at stays empty)
    due = _due(rng, created, moment, state) if step["due"] else None
    open_to_lane = due + timedelta(days=1) if due and step["open_to_lane"] else None
    done = state == "completed"
    completed_at = min(created + timedelta(minutes=rng.randrange(30, 10 * 1440)), moment) if state != "ready" else None
    return (task_id, instance_id, version_id, str(uuid.UUID(int=rng.getrandbits(128), version=4)), step["spec_name"],
            step["title"], step["lane"], entity_id, assignee, created + timedelta(hours=1) if claimed else None,
            step["form_name"], due, state, created, completed_at, actor if done else None, created, open_to_lane)


def _due(rng: random.Random, created: datetime, moment: datetime, state: str) -> datetime:
    """READY: a third late, a fifth due within 14 days, the rest later; others: some time after they were made."""
    if state != "ready":
        return created + timedelta(days=rng.randrange(2, 700))
    late, soon = rng.random() < 0.3, rng.random() < 0.3
    minutes = -rng.randrange(60, 90 * 1440) if late else rng.randrange(60, 14 * 1440) if soon else \
        rng.randrange(15 * 1440, 700 * 1440)
    return moment + timedelta(minutes=minutes)


def _subject(rng: random.Random, key: str, confidant: int, people: People, entity_id: int) -> str | None:
    """As the models set it: the candidate's name, the confidant's name or e-mail, the dossier (set later)."""
    if key == "appointment":
        return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if key == "training_deadline":
        return f"{FIRST[confidant % 20]} {LAST[confidant * 7 % 20]}"
    if key == "key_recovery":
        return f"vp{people.confidants[entity_id].index(confidant) + 1}@{dict(people.entities)[entity_id].lower()}" \
               ".vlaanderen.example"
    return None


def _dossiers(connection: Connection, rng: random.Random, size: Size, people: People,
              delicate: list[tuple[int, int, str]], publics: dict[int, bytes], recovery_key: tuple[int, bytes],
              moment: datetime) -> None:
    """Dossiers round the confidants; a delicate case's instance is its dossier's escalation."""
    owners = [(confidant, entity_id) for entity_id, members in people.confidants.items() for confidant in members]
    escalations: dict[int, list[tuple[int, str]]] = {}
    for instance_id, confidant, status in delicate:
        escalations.setdefault(confidant, []).append((instance_id, status))
    rows, facts, wraps, notes = [], [], [], []
    for dossier_id in range(1, size.dossiers + 1):
        confidant, entity_id = owners[dossier_id % len(owners)]
        escalation = escalations.get(confidant, []).pop() if escalations.get(confidant) else None
        opened = moment.date() - timedelta(days=rng.randrange(1, 1800))
        closed = opened + timedelta(days=rng.randrange(7, 200)) if rng.random() < 0.7 else None
        if closed and closed > moment.date():
            closed = None
        state = None if escalation is None else {"running": "with_papsy"}.get(escalation[1], "consulted")
        sealed = _Sealed(rng, dossier_id, confidant, publics.get(confidant), recovery_key)
        rows.append((dossier_id, confidant, entity_id, opened, False, None, False, rng.random() < 0.05,
                     rng.choice(OUTCOMES) if closed else None, closed, escalation is not None, state,
                     escalation[0] if escalation else None, sealed.requester(), moment, moment))
        themes = ["sexual_harassment"] if escalation else rng.sample(THEMES, rng.randrange(1, 3))
        for kind, values in (("theme", themes), ("person", [rng.choice(PERSONS)]),
                             ("intervention", [rng.choice(INTERVENTIONS)]),
                             ("delicate_reason", ["sexual_harassment"] if escalation else [])):
            facts += [(len(facts) + n + 1, dossier_id, kind, value) for n, value in enumerate(values)]
        wraps += sealed.wraps()
        for n in range(1 + (dossier_id % 3 == 0)):
            notes.append((len(notes) + 1, dossier_id, datetime.combine(opened, datetime.min.time()) + timedelta(days=n),
                          sealed.note(rng.randrange(200, 900))))
    bulk_insert(connection, Dossier.__table__, DOSSIER_COLUMNS, rows)
    bulk_insert(connection, DossierFact.__table__, ["id", "dossier_id", "kind", "value"], facts)
    bulk_insert(connection, DossierKey.__table__, ["dossier_id", "reader", "reader_id", "wrapped"], wraps)
    bulk_insert(connection, DossierNote.__table__, ["id", "dossier_id", "written_at", "body_sealed"], notes)


DOSSIER_COLUMNS = ["id", "confidant_id", "entity_id", "opened_on", "consent_given", "consent_on", "referred_formal",
                   "repeated_incident", "outcome", "closed_on", "delicate", "escalation_state",
                   "escalation_instance_id", "requester_sealed", "created_at", "updated_at"]


class _Sealed:
    """A dossier's sealed columns: as the application seals them for a benched confidant, random bytes of the
    same length for the others (nothing on a list page opens them)."""

    def __init__(self, rng: random.Random, dossier_id: int, owner: int, public: bytes | None,
                 recovery_key: tuple[int, bytes]) -> None:
        self.rng, self.dossier_id, self.owner, self.recovery_key = rng, dossier_id, owner, recovery_key
        self.public, self.data_key = public, keys.new_data_key() if public else None

    def requester(self) -> bytes:
        name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
        return self._encrypt(name, "requester")

    def note(self, length: int) -> bytes:
        return self._encrypt("Gesprek: " + "x" * length, "note")

    def wraps(self) -> list[tuple]:
        recovery_id, recovery_public = self.recovery_key
        return [(self.dossier_id, reader, reader_id, self._wrap(public, reader, reader_id))
                for reader, reader_id, public in (("owner", self.owner, self.public),
                                                  ("recovery", recovery_id, recovery_public))]

    def _encrypt(self, plain: str, field: str) -> bytes:
        if self.data_key is None:
            return self.rng.randbytes(12 + len(plain.encode()) + 16)
        return keys.encrypt(self.data_key, plain, contexts.dossier_field(self.dossier_id, field))

    def _wrap(self, public: bytes | None, reader: str, reader_id: int) -> bytes:
        if self.data_key is None or public is None:
            return self.rng.randbytes(92)
        return keys.wrap_key(public, self.data_key, contexts.data_key_for(self.dossier_id, reader, reader_id))


def bulk_insert(connection: Connection, table, columns: list[str], rows: list[tuple]) -> None:
    """COPY on PostgreSQL (seconds for 300,000 rows); executemany elsewhere (the smoke test's SQLite)."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{column}"' for column in columns)
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        return
    aware = [tuple(v.replace(tzinfo=timezone.utc) if isinstance(v, datetime) else v for v in row) for row in rows]
    connection.execute(table.insert(), [dict(zip(columns, row)) for row in aware])


def _fix_sequences(connection: Connection) -> None:
    """Rows were written with their ids: the next one the application makes follows them."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("entity", "user_account", "confidant", "process_instance", "task", "dossier", "dossier_fact",
                  "dossier_note"):
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def _analyze(engine) -> dict[str, int]:
    """VACUUM ANALYZE as a database in use would have had; the row counts."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    with engine.connect() as connection:
        return {table: connection.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("user_account", "confidant", "process_instance", "task", "dossier", "dossier_key",
                              "dossier_note", "dossier_fact")}

