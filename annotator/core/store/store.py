"""The Store: the single source of truth, used alike by the CLI and the window.

It is a small facade over one SQLite file; each part of the domain lives in
its own module and is reached as an attribute (`store.articles`,
`store.annotations`, ...). Every write goes through `transaction()`, and
every change to human work is written to the event log in that same
transaction.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database

from annotator.core.records import Span
from annotator.core.store import connection


class Store:
    def __init__(
        self, db: Database, path: Path, backup: Path | None = None, *, read_only: bool = False
    ) -> None:
        from annotator.core.store.annotations import Annotations
        from annotator.core.store.annotators import Annotators
        from annotator.core.store.articles import Articles
        from annotator.core.store.documents import Documents
        from annotator.core.store.events import Events
        from annotator.core.store.gold import Gold
        from annotator.core.store.stats import Stats
        from annotator.core.store.statuses import Statuses
        from annotator.core.store.suggestions import Suggestions

        self.db = db
        self.path = path
        self.backup = backup  # the copy made before a migration, if any
        self.read_only = read_only  # opened by open_for_reading on a file we may not write
        self.events = Events(self)
        self.articles = Articles(self)
        self.annotators = Annotators(self)
        self.suggestions = Suggestions(self)
        self.annotations = Annotations(self)
        self.statuses = Statuses(self)
        self.gold = Gold(self)
        self.documents = Documents(self)
        self.stats = Stats(self)

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open the database at `path`, creating and migrating it as needed."""
        path = Path(path).expanduser()
        db = connection.connect(path)
        backup = connection.migrate(db, path)
        return cls(db, path, backup)

    @classmethod
    def open_for_reading(cls, path: str | Path) -> Store:
        """Open the database for a command that only reads it (list, stats, export, ...).

        A file we may write to is opened as `open` does (an export keeps the
        tokens it made). One we may not (its mode, its folder, a read-only
        disk) is opened read-only, never migrated nor backed up: a file that
        needs upgrading is refused with a message that says so.
        """
        path = Path(path).expanduser()
        if connection.writable(path):
            return cls.open(path)
        db = connection.connect(path, read_only=True)
        try:
            connection.check_current(db, path)
        except BaseException:
            db.close()
            raise
        return cls(db, path, read_only=True)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work; nested calls join the outer transaction.

        A Store (one connection) belongs to one thread: a worker thread opens
        its own Store on the same file.

        BEGIN IMMEDIATE takes the write lock up front, so two windows on the
        same file wait for each other instead of failing half-way.
        """
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            self.annotators.rolled_back()
            raise
        conn.execute("COMMIT")

    @contextlib.contextmanager
    def patience(self, seconds: float) -> Iterator[None]:
        """Wait at most `seconds` for another connection's write lock, then raise
        "database is locked" (the window keeps the action and tries again, see
        gui/pending.py, rather than freezing for the default 10 s)."""
        self.db.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA busy_timeout={int(connection.BUSY_TIMEOUT * 1000)}")

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Relax durability for long rebuildable work (import, pre-annotation).

        An interrupted bulk run is finished by running it again, so the last
        commits need not survive a power cut; human actions keep FULL sync.
        """
        self.db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield
        finally:
            self.db.execute("PRAGMA synchronous=FULL")

    def data_version(self) -> int:
        """A number that changes when another connection commits to the file.

        SQLite's `PRAGMA data_version`: other windows, command-line runs and
        worker threads change it; this connection's own commits do not. A
        window polls it to notice that what it shows is no longer the store.
        """
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def articles_done_by(self, annotator: str) -> list[str]:
        """Ids of the articles this annotator marked done."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT s.article_id FROM article_status s JOIN annotators a"
                " ON a.id = s.annotator_id WHERE a.name = ? AND s.status = 'done'",
                [annotator],
            )
        ]

    def spans_by_article(
        self, ids: Sequence[str], annotators: Sequence[str], *, attrs: bool = True
    ) -> dict[str, dict[str, list[Span]]]:
        """{article: {annotator: spans}} for many articles, in one pass over the table.

        `attrs=False` leaves attributes out (agreement compares offsets and labels
        only), which saves parsing hundreds of thousands of JSON objects.
        """
        out: dict[str, dict[str, list[Span]]] = {i: {n: [] for n in annotators} for i in ids}
        names = {row[0]: row[1] for row in self.db.execute("SELECT id, name FROM annotators")}
        wanted = {i for i, n in names.items() if n in set(annotators)}
        rows = self.db.execute(
            'SELECT article_id, annotator_id, start, "end", label'
            + (", attrs" if attrs else "")
            + " FROM annotations"
        )
        empty: dict = {}
        gc_was_on = gc.isenabled()
        gc.disable()  # hundreds of thousands of small objects: the collector only slows it
        try:
            self._collect_spans(rows, out, names, wanted, attrs, empty)
        finally:
            if gc_was_on:
                gc.enable()
        return out

    @staticmethod
    def _collect_spans(rows, out, names, wanted, attrs, empty) -> None:  # type: ignore[no-untyped-def]
        for row in rows:
            if row[1] not in wanted or row[0] not in out:
                continue
            extra = (json.loads(row[5]) if row[5] != "{}" else {}) if attrs else empty
            out[row[0]][names[row[1]]].append(Span(row[2], row[3], row[4], extra))

    def integrity_check(self) -> list[str]:
        """SQLite's own check plus foreign keys; an empty list means sound."""
        rows = [r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall()]
        problems = [r for r in rows if r != "ok"]
        problems += [str(r) for r in self.db.execute("PRAGMA foreign_key_check").fetchall()]
        return problems
