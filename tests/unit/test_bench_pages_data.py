"""bench/pages_data.py, the data bench/pages.py measures, at 200 instances (COPY on PostgreSQL, inserts on SQLite):
the issue's proportions, the benched confidants' dossiers sealed as the application seals them, second factors the
bench can answer."""
from __future__ import annotations

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.auth import second_factor
from app.crypto import contexts, keys, user_keys
from app.models import Dossier, DossierKey, Entity, ProcessInstance, Task, User
from app.models.keys import UserKey
from bench import pages_data
from tests.conftest import empty_database


def test_bench_data_has_the_issues_proportions_and_opens_as_the_application_opens_it(database_url):
    url = database_url  # the suite's database, emptied (the next test's app empties it again)
    empty_database(url)
    counts = pages_data.generate(url, pages_data.Size.of(200))
    assert (counts["process_instance"], counts["task"], counts["dossier"]) == (200, 600, 100)
    engine = create_engine(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Entity)) == 20
        ready = session.scalar(select(func.count()).where(Task.state == "ready"))
        assert 30 <= ready <= 90  # some 10 % of the tasks, one per running instance
        assert session.scalar(select(func.count()).where(ProcessInstance.status == "running")) == ready
        assert session.scalar(select(func.count()).where(Task.state == "ready", Task.due_at.is_not(None))) > 0
        assert session.scalar(select(func.count()).select_from(Task).join(ProcessInstance).where(
            Task.subject.is_distinct_from(ProcessInstance.subject))) == 0  # as the engine writes them
        dossier = session.scalars(select(Dossier).join(UserKey, UserKey.user_id == Dossier.confidant_id)).first()
        owner = session.get(User, dossier.confidant_id)
        private = user_keys.unlock(session, owner, pages_data.PASSWORD)
        wrapped = session.get(DossierKey, (dossier.id, "owner", owner.id)).wrapped
        data_key = keys.unwrap_key(private, wrapped, contexts.data_key_for(dossier.id, "owner", owner.id))
        requester = keys.decrypt(data_key, dossier.requester_sealed, contexts.dossier_field(dossier.id, "requester"))
        assert requester.split()[0] in pages_data.FIRST
        with pages_data.bench_keys():  # the TOTP key the bench's server runs with
            assert second_factor.secret_of(owner) == pages_data.TOTP_SECRET
    engine.dispose()
