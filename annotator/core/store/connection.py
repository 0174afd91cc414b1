"""Opening a database file: pragmas, migrations, and a backup before them."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from annotator.core.errors import NewerSchemaError, StoreError
from annotator.core.files import make_folder
from annotator.core.store.schema import MIGRATIONS

# How long a connection waits for another's write lock before "database is locked".
BUSY_TIMEOUT = 10.0


def now() -> str:
    """A UTC timestamp with milliseconds, the one time format of the store."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def connect(path: Path, *, read_only: bool = False) -> Database:
    """Open (or create) the file with the settings every connection needs.

    `read_only` opens an existing file for reading only (`open_read_only`): a
    file or folder we may not write to is still read, never changed.
    """
    if read_only:
        return Database(open_read_only(path))
    make_folder(path)
    try:
        # isolation_level=None: no implicit transactions; the store opens its
        # own (BEGIN IMMEDIATE), so each user action is exactly one commit.
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: {cannot_open(error, path)}") from None
    conn.execute("PRAGMA foreign_keys=ON")
    # Not `trusted_schema=OFF` here: our own full-text index is kept by triggers
    # writing to an FTS5 table, which SQLite then refuses ("unsafe use of virtual
    # table"). This schema is ours; other files are read by merge_source, with it off.
    # In WAL mode NORMAL loses nothing when the process dies (kill -9); only a
    # power cut can drop the last commits. FULL is used where that matters.
    conn.execute("PRAGMA synchronous=FULL")
    return Database(conn)


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that can only read `path`, which must exist.

    A WAL database read-only needs its -shm file, which SQLite creates beside
    it when the folder allows. In a folder we may not write to, with no -shm
    there (no one has the file open: no one can be writing it), the file is
    opened `immutable`: read as it is, without the WAL's locks.
    """
    if not path.is_file():
        raise StoreError(f"{path}: no database there")
    uri = path.resolve().as_uri()
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(
            f"{uri}?{flags}", uri=True, isolation_level=None, timeout=BUSY_TIMEOUT
        )
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as error:
            conn.close()
            if error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN):
                continue  # no -shm and no right to make one: read it immutable
            raise StoreError(f"{path}: {cannot_open(error)}") from None
        except sqlite3.DatabaseError as error:
            conn.close()
            raise StoreError(f"{path}: {cannot_open(error)}") from None
        conn.execute("PRAGMA query_only=ON")
        conn.execute("PRAGMA trusted_schema=OFF")  # a file from anywhere: its SQL runs nothing
        return conn
    raise StoreError(f"{path}: cannot be read (no right to read it or its folder)")


def writable(path: Path) -> bool:
    """Whether this process may change `path` (a file not there yet: make it)."""
    if path.exists():
        return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    folder = next((p for p in path.parents if p.exists()), path.parent)
    return folder.is_dir() and os.access(folder, os.W_OK)


def cannot_open(error: sqlite3.DatabaseError, path: Path | None = None) -> str:
    """Why SQLite could not open or read a file, in words that say what to do."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    read_only = code == sqlite3.SQLITE_CANTOPEN and path is not None and not writable(path)
    if code == sqlite3.SQLITE_READONLY or read_only:
        return (
            f"cannot write to this database: it or its folder is read-only ({error});"
            " the reading commands (list, stats, export, agreement, evaluate) work on it"
        )
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return f"cannot open as an Annotator database: the file is damaged or not one ({error})"
    return f"cannot open as an Annotator database ({error})"


def migrate(db: Database, path: Path) -> Path | None:
    """Apply pending migrations; back the file up first if it holds data.

    Returns the backup's path, or None when no backup was needed.
    """
    known, applied = _migrations(db, path)
    if applied == known:
        return None
    if not applied and db.table_names():
        raise StoreError(f"{path} is an SQLite file but not an Annotator database")
    backup = backup_file(db, path, reason="before-migration") if applied else None
    # Decided again under the write lock: two commands opening a new (or old) file
    # at once would otherwise both apply the same migration, and one would fail.
    db.execute("BEGIN IMMEDIATE")
    try:
        if _migrations(db, path)[1] != known:
            MIGRATIONS.apply(db)
        db.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    return backup


def check_current(db: Database, path: Path) -> None:
    """For a file opened read-only: refuse it unless its schema is this version's."""
    known, applied = _migrations(db, path)
    if applied != known:
        if not applied and not db.table_names():
            raise StoreError(f"{path}: an empty file, not an Annotator database yet")
        if not applied:
            raise StoreError(f"{path} is an SQLite file but not an Annotator database")
        raise StoreError(
            f"{path} needs upgrading to this version of Annotator, but it is read-only:"
            " open it once with the right to write it (or copy it to a folder you may write to)"
        )


def _migrations(db: Database, path: Path) -> tuple[set[str], set[str]]:
    """The migrations this version knows and those the file had; refuses a newer file."""
    known = {m.name for m in MIGRATIONS._migrations}
    applied = {m.name for m in MIGRATIONS.applied(db)} if _has_migrations_table(db) else set()
    unknown = applied - known
    if unknown:
        raise NewerSchemaError(
            f"{path} was written by a newer version of Annotator "
            f"(unknown migrations: {', '.join(sorted(unknown))}); upgrade Annotator to open it"
        )
    return known, applied


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
