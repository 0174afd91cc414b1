"""Article statuses per annotator: todo, in progress, done, skipped, flagged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.core.errors import NotFound
from annotator.core.records import ArticleStatus, Status
from annotator.core.store.chunked import rows_over
from annotator.core.store.connection import now
from annotator.core.store.events import Change
from annotator.core.store.schema import insert_rows

if TYPE_CHECKING:
    from annotator.core.store.store import Store


class Statuses:
    def __init__(self, store: Store) -> None:
        self._store = store
        store.events.register_writer("status", self._write_state)

    def get(self, article_id: str, annotator: str) -> ArticleStatus:
        row = self._store.db.execute(
            "SELECT s.status, s.comment, s.updated_at FROM article_status s"
            " JOIN annotators a ON a.id = s.annotator_id WHERE s.article_id = ? AND a.name = ?",
            [article_id, annotator],
        ).fetchone()
        if row is None:
            return ArticleStatus(article_id, annotator, Status.TODO, None, None)
        return ArticleStatus(article_id, annotator, Status(row[0]), row[1], row[2])

    def set(
        self, annotator: str, article_id: str, status: Status, comment: str | None = None
    ) -> ArticleStatus:
        """Mark an article todo, in progress, done, skipped or flagged (with a comment).

        The comment is the annotator's note on the article, kept whatever its
        status becomes (marking a flagged article done does not erase why it
        was flagged; INCEpTION and doccano keep theirs too): None keeps the
        current one, a string replaces it, an empty or blank string clears it.
        The event log keeps every earlier comment.
        """
        status = Status(status)
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            if (
                self._store.db.execute(
                    "SELECT 1 FROM articles WHERE id = ?", [article_id]
                ).fetchone()
                is None
            ):
                raise NotFound(f"no article {article_id}")
            changes: list[Change] = []
            self._set(annotator_id, article_id, status, comment, changes)
            if changes:
                self._store.events.log(annotator_id, changes)
        return self.get(article_id, annotator)

    def count(self, annotator: str, status: Status) -> int:
        """How many articles this annotator has with this status."""
        return self._store.db.execute(
            "SELECT count(*) FROM article_status s JOIN annotators a ON a.id = s.annotator_id"
            " WHERE a.name = ? AND s.status = ?",
            [annotator, Status(status).value],
        ).fetchone()[0]

    def touch(self, annotator_id: int, article_id: str, changes: list[Change]) -> None:
        """Within an action: the first edit moves a todo article to in progress."""
        if self._state(annotator_id, article_id) is None:
            self._set(annotator_id, article_id, Status.IN_PROGRESS, None, changes)

    def _set(
        self,
        annotator_id: int,
        article_id: str,
        status: Status,
        comment: str | None,
        changes: list[Change],
    ) -> None:
        key = f"{annotator_id}/{article_id}"
        before = self._state(annotator_id, article_id)
        if comment is None:  # the note stays with the article
            comment = before["comment"] if before else None
        elif not comment.strip():  # cleared
            comment = None
        after = {
            "article_id": article_id,
            "annotator_id": annotator_id,
            "status": status.value,
            "comment": comment,
            "updated_at": now(),
        }
        if before and (before["status"], before["comment"]) == (status.value, comment):
            return
        self._write_state(key, after)
        changes.append(Change("status.set", article_id, key, before, after))

    def _state(self, annotator_id: int, article_id: str) -> dict[str, Any] | None:
        row = self._store.db.execute(
            "SELECT status, comment, updated_at FROM article_status"
            " WHERE annotator_id = ? AND article_id = ?",
            [annotator_id, article_id],
        ).fetchone()
        if row is None:
            return None
        return {
            "article_id": article_id,
            "annotator_id": annotator_id,
            "status": row[0],
            "comment": row[1],
            "updated_at": row[2],
        }

    def _states(self, annotator_id: int, article_ids: list[str]) -> dict[str, dict[str, Any]]:
        """`_state` of many articles (those with none absent), read a chunk at a time."""
        found: dict[str, dict[str, Any]] = {}
        sql = (
            "SELECT article_id, status, comment, updated_at FROM article_status"
            " WHERE annotator_id = ? AND article_id IN ({marks})"
        )
        for article_id, status, comment, updated_at in rows_over(
            self._store.db, sql, [annotator_id], article_ids
        ):
            found[article_id] = {
                "article_id": article_id,
                "annotator_id": annotator_id,
                "status": status,
                "comment": comment,
                "updated_at": updated_at,
            }
        return found

    def _write_states(self, states: list[dict[str, Any]]) -> None:
        """`_write_state` of many states at once (none of them None)."""
        insert_rows(
            self._store.db.conn,
            "INSERT OR REPLACE INTO article_status"
            " (article_id, annotator_id, status, comment, updated_at)",
            [
                (s["article_id"], s["annotator_id"], s["status"], s["comment"], s["updated_at"])
                for s in states
            ],
        )

    def _write_state(self, entity_id: str, state: dict[str, Any] | None) -> None:
        annotator_id, article_id = entity_id.split("/", 1)
        if state is None:
            self._store.db.execute(
                "DELETE FROM article_status WHERE annotator_id = ? AND article_id = ?",
                [int(annotator_id), article_id],
            )
            return
        self._store.db.execute(
            "INSERT OR REPLACE INTO article_status"
            " (article_id, annotator_id, status, comment, updated_at) VALUES (?, ?, ?, ?, ?)",
            [article_id, int(annotator_id), state["status"], state["comment"], state["updated_at"]],
        )
