"""Where things live: the default database, the sample corpus, the resources."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "annotator"
DB_ENV = "ANNOTATOR_DB"
_PACKAGE = Path(__file__).resolve().parents[1]


def default_db_path() -> Path:
    """$ANNOTATOR_DB, else annotator.db in the user data directory."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "annotator.db"


def is_default_db(path: Path) -> bool:
    """Whether `path` is the default database (the one the sample corpus goes into)."""
    return Path(path).expanduser().resolve() == default_db_path().resolve()


def _bundled(name: str) -> Path:
    # A wheel carries it inside the package; a source checkout at its top.
    inside = _PACKAGE / "_data" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def corpus_dir() -> Path:
    """The sample corpus shipped with the app."""
    return _bundled("corpus")


def resources_dir() -> Path:
    return _bundled("resources")
