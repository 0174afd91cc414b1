"""Opening a database file: pragmas, migrations, and a backup before them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.core.errors import NewerSchemaError, StoreError
from annotator.core.store.schema import MIGRATIONS


def now() -> str:
    """A UTC timestamp with milliseconds, the one time format of the store."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def connect(path: Path) -> Database:
    """Open (or create) the file with the settings every connection needs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: no implicit transactions; the store opens its
        # own (BEGIN IMMEDIATE), so each user action is exactly one commit.
        conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: cannot open as an Annotator database ({error})") from None
    conn.execute("PRAGMA foreign_keys=ON")
    # Not `trusted_schema=OFF` here: our own full-text index is kept by triggers
    # writing to an FTS5 table, which SQLite then refuses ("unsafe use of virtual
    # table"). This schema is ours; other files are read by merge_source, with it off.
    # In WAL mode NORMAL loses nothing when the process dies (kill -9); only a
    # power cut can drop the last commits. FULL is used where that matters.
    conn.execute("PRAGMA synchronous=FULL")
    return Database(conn)


def migrate(db: Database, path: Path) -> Path | None:
    """Apply pending migrations; back the file up first if it holds data.

    Returns the backup's path, or None when no backup was needed.
    """
    known = {m.name for m in MIGRATIONS._migrations}
    applied = {m.name for m in MIGRATIONS.applied(db)} if _has_migrations_table(db) else set()
    unknown = applied - known
    if unknown:
        raise NewerSchemaError(
            f"{path} was written by a newer version of Annotator "
            f"(unknown migrations: {', '.join(sorted(unknown))}); upgrade Annotator to open it"
        )
    if applied == known:
        return None
    if not applied and not db.table_names():
        MIGRATIONS.apply(db)
        return None
    if not applied:
        raise StoreError(f"{path} is an SQLite file but not an Annotator database")
    backup = backup_file(db, path, reason="before-migration")
    MIGRATIONS.apply(db)
    return backup


def backup_file(db: Database, path: Path, reason: str) -> Path:
    """Copy the live database with SQLite's backup API (safe while in use)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{reason}-{stamp}.bak")
    with sqlite3.connect(target) as copy:
        db.conn.backup(copy)
    copy.close()
    return target


def _has_migrations_table(db: Database) -> bool:
    return db[MIGRATIONS.migrations_table].exists()
