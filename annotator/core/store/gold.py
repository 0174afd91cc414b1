"""Gold: adjudicated spans, each with its adjudicator and supporting annotators.

Like human annotations, every change is one logged action, undoable by the
adjudicator who made it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.records import Span
from annotator.core.store.chunked import rows_over
from annotator.core.store.connection import now
from annotator.core.store.events import Change

if TYPE_CHECKING:
    from annotator.core.store.store import Store

_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "label",
    "attrs",
    "adjudicator_id",
    "supporters",
    "rule",
    "created_at",
)


@dataclass(frozen=True, slots=True)
class GoldSpan:
    id: int
    article_id: str
    span: Span
    adjudicator: str
    supporters: tuple[str, ...]
    rule: str  # unanimous, majority, review


@dataclass(frozen=True, slots=True)
class GoldCandidate:
    """A span to take into gold, with the annotators who had it."""

    span: Span
    supporters: tuple[str, ...]
    rule: str


class Gold:
    def __init__(self, store: Store) -> None:
        self._store = store
        store.events.register_writer("gold", self._write_state)
        store.events.register_writer("goldstatus", self._write_status)

    def for_article(self, article_id: str) -> list[GoldSpan]:
        rows = self._store.db.execute(
            'SELECT g.id, g.article_id, g.start, g."end", g.label, g.attrs, a.name, g.supporters,'
            " g.rule FROM gold_spans g JOIN annotators a ON a.id = g.adjudicator_id"
            " WHERE g.article_id = ? ORDER BY g.start, g.id",
            [article_id],
        )
        return [
            GoldSpan(
                r[0],
                r[1],
                Span(r[2], r[3], r[4], json.loads(r[5])),
                r[6],
                tuple(json.loads(r[7])),
                r[8],
            )
            for r in rows
        ]

    def status(self, article_id: str) -> str | None:
        row = self._store.db.execute(
            "SELECT status FROM gold_status WHERE article_id = ?", [article_id]
        ).fetchone()
        return row[0] if row else None

    def statuses(self, article_ids: Sequence[str]) -> dict[str, str]:
        """{article: gold status} for these articles, those with a status only, in one read."""
        sql = "SELECT article_id, status FROM gold_status WHERE article_id IN ({marks})"
        return dict(rows_over(self._store.db, sql, [], list(dict.fromkeys(article_ids))))

    def article_ids(self, status: str | None = None) -> list[str]:
        """Articles with gold, in import order (only adjudicated ones when asked)."""
        sql = (
            "SELECT g.article_id FROM gold_status g JOIN articles a ON a.id = g.article_id"
            + (" WHERE g.status = ?" if status else "")
            + " ORDER BY a.seq"
        )
        return [r[0] for r in self._store.db.execute(sql, [status] if status else [])]

    def take(
        self,
        adjudicator: str,
        article_id: str,
        candidates: Sequence[GoldCandidate],
        status: str | None = None,
    ) -> list[int]:
        """Add spans to the article's gold (skipping exact copies), as one action."""
        with self._store.transaction():
            adjudicator_id = self._store.annotators.id_of(adjudicator)
            existing = {
                (g.span.start, g.span.end, g.span.label) for g in self.for_article(article_id)
            }
            changes: list[Change] = []
            ids = []
            for c in candidates:
                key = (c.span.start, c.span.end, c.span.label)
                if key in existing:
                    continue
                existing.add(key)
                cursor = self._store.db.execute(
                    'INSERT INTO gold_spans (article_id, start, "end", label, attrs,'
                    " adjudicator_id, supporters, rule, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        article_id,
                        c.span.start,
                        c.span.end,
                        c.span.label,
                        json.dumps(c.span.attrs, ensure_ascii=False, sort_keys=True),
                        adjudicator_id,
                        json.dumps(list(c.supporters), ensure_ascii=False),
                        c.rule,
                        now(),
                    ],
                )
                ids.append(cursor.lastrowid)
                changes.append(
                    Change(
                        "gold.add",
                        article_id,
                        str(cursor.lastrowid),
                        None,
                        self._state(cursor.lastrowid),
                    )
                )
            if status is not None:
                self._set_status(adjudicator_id, article_id, status, changes)
            if changes:
                self._store.events.log(adjudicator_id, changes)
        return ids

    def remove(self, adjudicator: str, gold_id: int) -> None:
        with self._store.transaction():
            adjudicator_id = self._store.annotators.id_of(adjudicator)
            before = self._state(gold_id)
            self._write_state(str(gold_id), None)
            self._store.events.log(
                adjudicator_id,
                [Change("gold.delete", before["article_id"], str(gold_id), before, None)],
            )

    def set_status(self, adjudicator: str, article_id: str, status: str) -> None:
        with self._store.transaction():
            adjudicator_id = self._store.annotators.id_of(adjudicator)
            changes: list[Change] = []
            self._set_status(adjudicator_id, article_id, status, changes)
            if changes:
                self._store.events.log(adjudicator_id, changes)

    def _set_status(
        self, adjudicator_id: int, article_id: str, status: str, changes: list[Change]
    ) -> None:
        row = self._store.db.execute(
            "SELECT adjudicator_id, status, updated_at FROM gold_status WHERE article_id = ?",
            [article_id],
        ).fetchone()
        before = (
            None
            if row is None
            else {
                "article_id": article_id,
                "adjudicator_id": row[0],
                "status": row[1],
                "updated_at": row[2],
            }
        )
        if before and before["status"] == status:
            return
        after = {
            "article_id": article_id,
            "adjudicator_id": adjudicator_id,
            "status": status,
            "updated_at": now(),
        }
        self._write_status(article_id, after)
        changes.append(Change("goldstatus.set", article_id, article_id, before, after))

    def _state(self, gold_id: int) -> dict[str, Any]:
        row = self._store.db.execute(
            "SELECT " + ", ".join(f'"{c}"' for c in _COLUMNS) + " FROM gold_spans WHERE id = ?",
            [gold_id],
        ).fetchone()
        return dict(zip(_COLUMNS, row, strict=True))

    def _write_state(self, entity_id: str, state: dict[str, Any] | None) -> None:
        if state is None:
            self._store.db.execute("DELETE FROM gold_spans WHERE id = ?", [int(entity_id)])
            return
        self._store.db.execute(
            "INSERT OR REPLACE INTO gold_spans ("
            + ", ".join(f'"{c}"' for c in _COLUMNS)
            + ") VALUES ("
            + ", ".join("?" * len(_COLUMNS))
            + ")",
            [state[c] for c in _COLUMNS],
        )

    def _write_status(self, entity_id: str, state: dict[str, Any] | None) -> None:
        if state is None:
            self._store.db.execute("DELETE FROM gold_status WHERE article_id = ?", [entity_id])
            return
        self._store.db.execute(
            "INSERT OR REPLACE INTO gold_status (article_id, adjudicator_id, status, updated_at)"
            " VALUES (?, ?, ?, ?)",
            [entity_id, state["adjudicator_id"], state["status"], state["updated_at"]],
        )
