"""Annotators: people, by name, created on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.records import Annotator
from annotator.core.store.connection import now

if TYPE_CHECKING:
    from annotator.core.store.store import Store


class Annotators:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._ids: dict[str, int] = {}

    def id_of(self, name: str) -> int:
        """The annotator's id, created on first use."""
        if name in self._ids:
            return self._ids[name]
        name = name.strip()
        if not name:
            raise ValueError("an annotator needs a name")
        db = self._store.db
        row = db.execute("SELECT id FROM annotators WHERE name = ?", [name]).fetchone()
        if row is None:
            with self._store.transaction():
                db.execute(
                    "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
                    [name, now()],
                )
            row = db.execute("SELECT id FROM annotators WHERE name = ?", [name]).fetchone()
        self._ids[name] = row[0]
        return row[0]

    def rolled_back(self) -> None:
        """Forget ids learnt in a transaction that was rolled back: the rows are gone.

        Without this, a new annotator whose first action failed (a span refused)
        kept a cached id with no row, and every later action failed its foreign key.
        """
        self._ids.clear()

    def get(self, name: str) -> Annotator:
        return Annotator(self.id_of(name), name.strip())

    def list(self) -> list[Annotator]:
        return [
            Annotator(r["id"], r["name"])
            for r in self._store.db.query("SELECT id, name FROM annotators ORDER BY name")
        ]
