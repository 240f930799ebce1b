"""Bringing a database up to date (Alembic) and keeping the instance folder private."""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from app.config import INSTANCE_DIR, PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str) -> None:
    """Create or upgrade the schema to the newest migration."""
    if database_url.startswith("sqlite:///"):
        INSTANCE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), "head")
    if database_url.startswith("sqlite:///"):
        make_private(INSTANCE_DIR)
        _make_file_private(Path(database_url.removeprefix("sqlite:///")))


def make_private(folder: Path) -> None:
    """The instance folder and all it holds (SQLite file, embedded Redis files, secrets, uploads) are its
    owner's alone: 0700 folders, 0600 files. Links are left as they are (the Redis socket's folder is 0700)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    for root, folders, files in os.walk(folder):
        for name in folders:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            _make_file_private(Path(root, name))


def _make_file_private(path: Path) -> None:
    if path.exists() and not path.is_symlink():
        path.chmod(0o600)
