"""The document library at scale (R16): 500 documents in 20 folders, a fifth of them with a second version, 60 % for
all confidants and the rest for the OMG or the AWV confidants.

In process (Flask's test client, no network), like bench/intervision.py: a scratch SQLite database, and a PostgreSQL
one too when DATABASE_URL points at a server (created and dropped here). The documents are published through the
library's services (their content checked as an upload's is). The OMG confidant and the OMG PAPSY log in through the
real forms; each URL is asked ROUNDS times at one client after ten unmeasured requests. Printed per URL: p50, p95,
max and the SQL statements per request; last the roster, a light page of another area, as a yardstick of the
machine's load at the time. Nothing is asserted on time.

    .venv/bin/python bench/library.py [--rounds 200] [--redis-db 14]
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/library.py
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.library import services  # noqa: E402
from bench.support import done_with_database, filled_app, measure, print_header, redis_url  # noqa: E402
from bench.support import scratch_databases  # noqa: E402
from tests.helpers import OMG_CONFIDANT, OMG_PAPSY, entity, login, user  # noqa: E402
from tests.library.files import PDF, checked, docx, folder, publish, xlsx  # noqa: E402

DOCUMENTS, FOLDERS = 500, 20
WORDS = ["beleid", "pesten", "agressie", "grensoverschrijdend", "gedrag", "welzijn", "preventie", "intervisie",
         "vertrouwelijkheid", "procedure", "brochure", "afspraken", "evaluatie", "risicoanalyse", "vorming",
         "register", "derden", "formeel", "informeel", "verzoek", "leidraad", "checklist", "jaarverslag"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()
    with scratch_databases() as (scratch, urls):
        print_header()
        for name, url in urls:
            app, ids = filled_app(url, redis_url(args.redis_db), scratch, fill)
            measure_all(name, app, args.rounds, ids)
            done_with_database()


def fill(session) -> dict[str, int]:
    """20 folders, 500 documents; returns a folder's id, a document's id and a word to search for."""
    rng = random.Random(16)
    papsy = user(session, OMG_PAPSY)
    audiences = [None] * 6 + [entity(session, "OMG").id] * 2 + [entity(session, "AWV").id] * 2
    folders = [folder(session, papsy, f"Map {number:02d} {rng.choice(WORDS)}",
                      " ".join(rng.choices(WORDS, k=8))).id for number in range(1, FOLDERS + 1)]
    documents = []
    for number in range(DOCUMENTS):
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {number}"
        kind, data, name = rng.choice([("pdf", PDF, "document.pdf"), ("docx", docx(title), "document.docx"),
                                       ("xlsx", xlsx(), "tabel.xlsx")])
        document = publish(session, papsy, folders[number % FOLDERS], title, rng.choice(audiences),
                           " ".join(rng.choices(WORDS, k=rng.randint(5, 30))), data, name)
        if number % 5 == 0:
            services.add_version(session, papsy, document.id, checked(docx(f"{title} v2"), f"{kind}-v2.docx"))
        documents.append(document.id)
    session.flush()
    return {"folder": folders[3], "document": documents[10]}


def measure_all(name: str, app, rounds: int, ids: dict[str, int]) -> None:
    for who, email in (("confidant", OMG_CONFIDANT), ("PAPSY", OMG_PAPSY)):
        client = app.test_client()
        login(client, email)
        print(f"{name:<11} as the OMG {who}")
        measure(name, client, "/library/", rounds)
        measure(name, client, f"/library/folders/{ids['folder']}", rounds)
        measure(name, client, "/library/?q=grensoverschrijdend", rounds)
        measure(name, client, f"/library/documents/{ids['document']}", rounds)
        measure(name, client, f"/library/documents/{ids['document']}/download", rounds)
    measure(name, client, "/roster/", rounds)  # a light page of another area, for the machine's noise


if __name__ == "__main__":
    main()
