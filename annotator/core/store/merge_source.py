"""Another database given to `merge`, read as untrusted input.

The file is opened read-only as the reading commands open it
(`connection.open_read_only`: `mode=ro`, which sees what its owner's window
is writing; `immutable` only in a folder we may not write with no `-shm`
there, where no one can be writing it), with `trusted_schema=OFF` and
`query_only`, and is never migrated: a trigger in a hostile file would run
during a migration. Only our base tables are read, by explicit column lists:
a table that is a view (a recursive one hangs), a virtual table, a table
with a generated column (any of its columns), a missing table or a newer
schema refuse the whole file. Every query is bounded in
time by a progress handler, so no file can hold `merge` forever.
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotator.core.errors import StoreError
from annotator.core.store.annotations import ANNOTATION_COLUMNS
from annotator.core.store.connection import open_read_only
from annotator.core.store.schema import MIGRATIONS

# The columns merge reads, by table: all a base table, none generated.
TABLES: dict[str, tuple[str, ...]] = {
    "articles": ("seq", "id", "title", "text", "source", "meta", "cluster"),
    "annotators": ("id", "name"),
    "suggestion_sets": ("id", "model", "model_version", "recognizers_version"),
    "suggested_articles": ("set_id", "article_id"),
    "suggestions": ("id", "set_id", "article_id", "start", "end", "label", "attrs"),
    "annotations": ANNOTATION_COLUMNS[1:],  # all but our own row id
    "article_status": ("article_id", "annotator_id", "status", "comment", "updated_at"),
    "events": (
        "id",
        "action",
        "at",
        "annotator_id",
        "kind",
        "article_id",
        "entity_id",
        "before",
        "after",
    ),
    MIGRATIONS.migrations_table: ("migration_set", "name"),
}
# Gold came with a migration: a file from before it has none.
GOLD_TABLES: dict[str, tuple[str, ...]] = {
    "gold_spans": (
        "article_id",
        "start",
        "end",
        "label",
        "attrs",
        "adjudicator_id",
        "supporters",
        "rule",
    ),
    "gold_status": ("article_id", "adjudicator_id", "status"),
}
_GOLD_MIGRATION = "0004_gold"
DEFAULT_TIME_LIMIT = 60.0  # seconds a single read of the other file may take
_STEPS = 1_000  # virtual machine steps between two looks at the clock


class RefusedDatabase(StoreError):
    """The other file cannot be merged at all (not ours, newer, unreadable, too slow);
    the message names it. Merging other files goes on."""


class Source:
    """The other database, read-only; `rows` runs one bounded query over its base tables."""

    def __init__(self, path: Path, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
        self.path = path
        self.time_limit = time_limit
        self._deadline = 0.0
        try:
            self.conn = open_read_only(path)
        except (StoreError, sqlite3.Error) as error:
            said = str(error) if isinstance(error, StoreError) else f"{path}: {error}"
            raise RefusedDatabase(f"{said}; not merged") from None
        # Bytes that are not UTF-8 become lone surrogates, refused row by row by the
        # checks, rather than an error that would end the whole read.
        self.conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
        self.conn.set_progress_handler(self._too_long, _STEPS)
        self.has_gold = False
        try:
            self.conn.execute("PRAGMA trusted_schema=OFF")
            self.conn.execute("PRAGMA query_only=ON")
            self._check_schema()
            # One snapshot for the whole read: articles and the work on them agree.
            self.conn.execute("BEGIN")
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _too_long(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0

    def rows(self, sql: str, params: Sequence[Any] = (), what: str = "") -> list[Any]:
        """All rows of one query, which must end within the time limit."""
        self._deadline = time.monotonic() + self.time_limit
        try:
            return self.conn.execute(sql, list(params)).fetchall()
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise RefusedDatabase(
                    f"{self.path}: reading {what or 'it'} took longer than"
                    f" {self.time_limit:g} s; stopped (what was merged before is whole)"
                ) from None
            raise RefusedDatabase(f"{self.path}: cannot read {what or 'it'} ({error})") from None
        except sqlite3.DatabaseError as error:
            raise RefusedDatabase(f"{self.path}: cannot read {what or 'it'} ({error})") from None

    def _check_schema(self) -> None:
        """Refuse a file whose tables are not ours, or that a newer Annotator wrote."""
        objects = {
            name: (kind, sql or "")
            for kind, name, sql in self.rows(
                "SELECT type, name, sql FROM sqlite_master", what="its schema"
            )
        }
        table = MIGRATIONS.migrations_table
        self._check_tables(objects, {table: TABLES[table]})
        applied = {
            r[0]
            for r in self.rows(
                f"SELECT name FROM {MIGRATIONS.migrations_table} WHERE migration_set = ?",
                [MIGRATIONS.name],
                "its schema version",
            )
        }
        # Every migration is pending in an empty database: their names, by the public API.
        known = {m.name for m in MIGRATIONS.pending(Database(memory=True))}
        unknown = sorted(str(n) for n in applied - known)
        if unknown:
            raise RefusedDatabase(
                f"{self.path} was written by a newer version of Annotator (unknown"
                f" migrations: {', '.join(unknown)[:200]}); upgrade Annotator to merge it"
            )
        self._check_tables(objects, TABLES)
        self.has_gold = _GOLD_MIGRATION in applied
        if self.has_gold:
            self._check_tables(objects, GOLD_TABLES)

    def _check_tables(
        self, objects: dict[str, tuple[str, str]], tables: dict[str, tuple[str, ...]]
    ) -> None:
        for table, columns in tables.items():
            kind, sql = objects.get(table, ("", ""))
            if kind != "table" or not sql.upper().startswith("CREATE TABLE"):
                found = f"a {'virtual table' if kind == 'table' else kind}" if kind else "missing"
                raise RefusedDatabase(
                    f"{self.path} is not an Annotator database: table {table} is {found};"
                    " not merged"
                )
            info = {
                r[1]: r[6]
                for r in self.rows(f'PRAGMA table_xinfo("{table}")', what=f"table {table}")
            }
            # Only listed columns are read, but the docs promise a plain table: say so.
            generated = [str(name) for name, hidden in info.items() if hidden != 0]
            if generated:
                raise RefusedDatabase(
                    f"{self.path} is not an Annotator database: table {table} has a generated"
                    f" column ({generated[0][:40]!r}); not merged"
                )
            for column in columns:
                if info.get(column, 1) != 0:  # missing, hidden or generated
                    raise RefusedDatabase(
                        f"{self.path} is not an Annotator database: table {table} has no"
                        f" plain column {column}; not merged"
                    )

    def page(self, ids: list[str]) -> Page:
        """The work on these articles, read a table at a time."""
        page = Page()
        if not ids:
            return page
        marks = ", ".join("?" * len(ids))

        def read(sql: str, what: str) -> list[Any]:
            return self.rows(sql + f" WHERE article_id IN ({marks})", ids, what)

        for set_id, article_id in read(
            "SELECT set_id, article_id FROM suggested_articles", "its suggestions"
        ):
            page.ran[article_id].append(set_id)
        for r in read(
            'SELECT article_id, id, set_id, start, "end", label, attrs FROM suggestions',
            "its suggestions",
        ):
            page.suggestions[r[0]].append(r[1:])
        for r in read(
            'SELECT article_id, annotator_id, start, "end", label, attrs, origin, suggestion_id,'
            " created_at, updated_at FROM annotations",
            "its annotations",
        ):
            page.annotations[r[0]][r[1]].append(r[2:])
        for r in read(
            "SELECT article_id, annotator_id, status, comment, updated_at FROM article_status",
            "its statuses",
        ):
            page.statuses[r[0]][r[1]] = r[2:]
            page.annotations[r[0]].setdefault(r[1], [])
        if self.has_gold:
            for r in read(
                'SELECT article_id, start, "end", label, attrs, adjudicator_id, supporters, rule'
                " FROM gold_spans",
                "its gold",
            ):
                page.gold[r[0]].append(r[1:])
            for r in read(
                "SELECT article_id, adjudicator_id, status FROM gold_status", "its gold"
            ):
                page.gold_status[r[0]] = r[1:]
        return page


@dataclass
class Page:
    """The other file's work on a page of articles, by article."""

    ran: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    suggestions: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    annotations: dict[str, dict[int, list[Any]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    statuses: dict[str, dict[int, Any]] = field(default_factory=lambda: defaultdict(dict))
    gold: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    gold_status: dict[str, Any] = field(default_factory=dict)
