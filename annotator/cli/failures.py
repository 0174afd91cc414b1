"""Failures of the machine (disk, permissions, a damaged file) as one line a user can act on.

A full disk, a read-only file or folder, a path through a file, damaged
pages: none is a bug of ours, so none deserves a traceback. Anything else
(SQL that is wrong, a constraint we broke, any other exception) is one, and
keeps its traceback.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

# SQLite's primary result codes that come from the machine or the file, not from our SQL.
_MACHINE_CODES = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the database is read-only",
    sqlite3.SQLITE_CANTOPEN: "the database file cannot be opened",
    sqlite3.SQLITE_IOERR: "the disk could not be read or written",
    sqlite3.SQLITE_CORRUPT: "the database file is damaged",
    sqlite3.SQLITE_NOTADB: "the file is not a database",
    sqlite3.SQLITE_BUSY: "another program is writing to the database; try again when it is done",
    sqlite3.SQLITE_LOCKED: "the database is locked",
    sqlite3.SQLITE_PERM: "no permission",
    sqlite3.SQLITE_NOLFS: "the file system cannot hold a file that large",
    sqlite3.SQLITE_PROTOCOL: "the database's locks could not be taken",
}


def machine_failure(error: BaseException, database: Path | None) -> str | None:
    """One line naming the file and the reason, or None when `error` is not the machine's."""
    if isinstance(error, sqlite3.DatabaseError) and not isinstance(
        error, sqlite3.IntegrityError | sqlite3.ProgrammingError
    ):
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code not in _MACHINE_CODES:
            return None
        where = f"database {database}" if database is not None else "the database"
        return f"{where}: {_MACHINE_CODES[code]} ({error})"
    if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
        reason = error.strerror or str(error)
        if error.errno == errno.ENOSPC:
            reason = "the disk is full"
        elif error.errno == errno.EROFS:
            reason = "the file system is read-only"
        name = error.filename
        if name is None:
            return f"cannot read or write a file: {reason}"
        shown = os.fsdecode(name) if isinstance(name, bytes | str) else str(name)
        return f"{shown!r}: {reason}"
    return None
