"""The append-only event log, and undo/redo read from it.

Each user action is one *action*: one transaction that writes one or more
event rows sharing an `action` id (the id of its first row). A row says who
changed which entity, from what state (`before`) to what state (`after`).
Undo writes the `before` states back and logs that as a new action that
`undoes` the old one; redo does the same to an undo. Nothing is ever removed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import StaleState
from annotator.core.records import Event
from annotator.core.store.connection import now
from annotator.core.store.schema import insert_rows

if TYPE_CHECKING:
    from annotator.core.store.store import Store

# Only human work is undoable; imports and suggestion runs are logged too.
_INVERSE = {
    "gold.add": "gold.delete",
    "gold.delete": "gold.add",
    "goldstatus.set": "goldstatus.set",
    "rejection.add": "rejection.delete",
    "rejection.delete": "rejection.add",
    "annotation.add": "annotation.delete",
    "annotation.delete": "annotation.add",
    "annotation.update": "annotation.update",
    "status.set": "status.set",
}

# Writes one entity's state (None: the entity does not exist).
StateWriter = Callable[[str, Any], None]

# One encoder for every row: json.dumps with options builds a new one a call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


class Encoded(str):
    """A state already encoded as the log encodes it (`_dump`), for bulk writers.

    An import logs one state an article holding all its spans; building that
    JSON text as it builds the rows costs less than encoding the objects again.
    """


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    article_id: str | None
    entity_id: str | None
    before: Any
    after: Any


class Events:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._writers: dict[str, StateWriter] = {}
        # Actions logged through this connection: a window undoes its own
        # actions without asking, another window's or session's only when told.
        self.logged_here: set[int] = set()

    def register_writer(self, entity: str, writer: StateWriter) -> None:
        """Let undo restore states of `entity` ("annotation", "status")."""
        self._writers[entity] = writer

    def log(
        self,
        annotator_id: int | None,
        changes: Sequence[Change],
        *,
        undoes: int | None = None,
        redoes: int | None = None,
    ) -> int:
        """Append one action's rows; call inside the action's transaction."""
        db = self._store.db
        (action,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM events").fetchone()
        at = now()
        insert_rows(
            db.conn,
            "INSERT INTO events (id, action, at, annotator_id, kind, article_id, entity_id,"
            " before, after, undoes, redoes)",
            [
                (
                    action + i,
                    action,
                    at,
                    annotator_id,
                    c.kind,
                    c.article_id,
                    c.entity_id,
                    _dump(c.before),
                    _dump(c.after),
                    undoes,
                    redoes,
                )
                for i, c in enumerate(changes)
            ],
        )
        self.logged_here.add(action)
        return action

    def list(
        self,
        *,
        annotator: str | None = None,
        article_id: str | None = None,
        since: int = 0,
        limit: int | None = None,
    ) -> Iterator[Event]:
        """The log in order, optionally for one annotator or one article."""
        where, args = ["e.id > ?"], [since]
        if annotator is not None:
            where.append("a.name = ?")
            args.append(annotator)
        if article_id is not None:
            where.append("e.article_id = ?")
            args.append(article_id)
        sql = (
            "SELECT e.*, a.name AS annotator FROM events e"
            " LEFT JOIN annotators a ON a.id = e.annotator_id"
            f" WHERE {' AND '.join(where)} ORDER BY e.id"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        for row in self._store.db.query(sql, args):
            yield _event(row)

    def undo(self, annotator: str, expected: int | None = None) -> list[Event]:
        """Undo the annotator's last action; returns the rows written, [] if none.

        `expected` is the action the caller showed as the one to undo
        (`next_undo`): if another window acted since, nothing is undone.
        """
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            undo_stack, _ = self._stacks(annotator_id)
            if not undo_stack:
                return []
            target = undo_stack[-1]
            _check_expected(target, expected)
            return self._revert(annotator_id, target, undoes=target)

    def redo(self, annotator: str, expected: int | None = None) -> list[Event]:
        """Redo the annotator's last undone action; returns the rows written."""
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            _, redo_stack = self._stacks(annotator_id)
            if not redo_stack:
                return []
            target = redo_stack[-1]
            _check_expected(target, expected)
            return self._revert(annotator_id, target, redoes=target)

    def next_undo(self, annotator: str) -> list[Event]:
        """The rows of the action undo would revert now ([] if none)."""
        undo_stack, _ = self._stacks(self._store.annotators.id_of(annotator))
        return self._action_rows(undo_stack[-1]) if undo_stack else []

    def next_redo(self, annotator: str) -> list[Event]:
        """The rows of the undo that redo would revert now ([] if none)."""
        _, redo_stack = self._stacks(self._store.annotators.id_of(annotator))
        return self._action_rows(redo_stack[-1]) if redo_stack else []

    def _action_rows(self, action: int) -> list[Event]:
        sql = (
            "SELECT e.*, a.name AS annotator FROM events e"
            " LEFT JOIN annotators a ON a.id = e.annotator_id WHERE e.action = ? ORDER BY e.id"
        )
        return [_event(row) for row in self._store.db.query(sql, [action])]

    def can_undo(self, annotator: str) -> bool:
        return bool(self._stacks(self._store.annotators.id_of(annotator))[0])

    def can_redo(self, annotator: str) -> bool:
        return bool(self._stacks(self._store.annotators.id_of(annotator))[1])

    def _revert(
        self,
        annotator_id: int,
        action: int,
        *,
        undoes: int | None = None,
        redoes: int | None = None,
    ) -> list[Event]:
        rows = list(
            self._store.db.query("SELECT * FROM events WHERE action = ? ORDER BY id DESC", [action])
        )
        changes = []
        for row in rows:
            before, after = _load(row["before"]), _load(row["after"])
            entity = row["kind"].split(".", 1)[0]
            self._writers[entity](row["entity_id"], before)
            changes.append(
                Change(_INVERSE[row["kind"]], row["article_id"], row["entity_id"], after, before)
            )
        first = self.log(annotator_id, changes, undoes=undoes, redoes=redoes)
        return list(self.list(since=first - 1, limit=len(changes)))

    def _stacks(self, annotator_id: int) -> tuple[list[int], list[int]]:
        """Replay the annotator's actions into undo and redo stacks of action ids."""
        undo_stack: list[int] = []
        redo_stack: list[int] = []
        seen = None
        for action, undoes, redoes in self._store.db.execute(
            "SELECT action, undoes, redoes FROM events WHERE annotator_id = ?"
            " AND kind IN (" + ", ".join(f"'{k}'" for k in _INVERSE) + ") ORDER BY id",
            [annotator_id],
        ):
            if action == seen:
                continue
            seen = action
            if undoes is not None:
                _remove(undo_stack, undoes)
                redo_stack.append(action)
            elif redoes is not None:
                _remove(redo_stack, redoes)
                undo_stack.append(action)
            else:
                undo_stack.append(action)
                redo_stack.clear()
        return undo_stack, redo_stack


def _check_expected(target: int, expected: int | None) -> None:
    if expected is not None and target != expected:
        raise StaleState(
            "another window acted in the meantime; nothing was undone or redone, look again"
        )


def _remove(stack: list[int], item: int) -> None:
    if item in stack:
        stack.remove(item)


def _dump(value: Any) -> str | None:
    if value is None or type(value) is Encoded:
        return value
    return _ENCODER.encode(value)


def _load(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _event(row: dict[str, Any]) -> Event:
    return Event(
        id=row["id"],
        action=row["action"],
        at=row["at"],
        annotator=row["annotator"],
        kind=row["kind"],
        article_id=row["article_id"],
        entity_id=row["entity_id"],
        before=_load(row["before"]),
        after=_load(row["after"]),
        undoes=row["undoes"],
        redoes=row["redoes"],
    )
