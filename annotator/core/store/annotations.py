"""Human work: annotators, their annotations, rejections and article statuses.

Each public write is one user action: one transaction, logged as one action
in the event log, with `before`/`after` states that undo can write back.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from annotator.core.errors import InvalidSpan, NotFound
from annotator.core.records import (
    Annotation,
    Origin,
    Span,
    Status,
    Suggestion,
)
from annotator.core.store.connection import now
from annotator.core.store.events import Change

if TYPE_CHECKING:
    from annotator.core.store.store import Store

_ANNOTATION_COLUMNS = (
    "id",
    "article_id",
    "annotator_id",
    "start",
    "end",
    "label",
    "attrs",
    "origin",
    "suggestion_id",
    "created_at",
    "updated_at",
)


class Annotations:
    def __init__(self, store: Store) -> None:
        self._store = store
        store.events.register_writer("annotation", self._write_state)
        store.events.register_writer("rejection", self._write_rejection)

    # -- reading --------------------------------------------------------------

    def get(self, annotation_id: int) -> Annotation:
        rows = self._query("an.id = ?", [annotation_id])
        if not rows:
            raise NotFound(f"no annotation {annotation_id}")
        return rows[0]

    def for_article(self, article_id: str, annotator: str) -> list[Annotation]:
        return self._query("an.article_id = ? AND a.name = ?", [article_id, annotator])

    def rejected(self, article_id: str, annotator: str) -> set[int]:
        """Ids of the article's suggestions this annotator rejected."""
        return {
            r[0]
            for r in self._store.db.execute(
                "SELECT r.suggestion_id FROM rejections r"
                " JOIN annotators a ON a.id = r.annotator_id"
                " WHERE r.article_id = ? AND a.name = ?",
                [article_id, annotator],
            )
        }

    # -- user actions ---------------------------------------------------------

    def add(
        self,
        annotator: str,
        article_id: str,
        span: Span,
        origin: Origin = Origin.MANUAL,
        suggestion_id: int | None = None,
    ) -> Annotation:
        """Add a span by hand (or from a suggestion, with its origin)."""
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            self._check(article_id, span)
            changes: list[Change] = []
            state = self._insert(annotator_id, article_id, span, origin, suggestion_id, changes)
            self._store.statuses.touch(annotator_id, article_id, changes)
            self._store.events.log(annotator_id, changes)
        return self.get(state["id"])

    def accept(self, annotator: str, suggestion: Suggestion) -> Annotation:
        """Take a suggestion as it is."""
        return self.add(
            annotator, suggestion.article_id, suggestion.span, Origin.ACCEPTED, suggestion.id
        )

    def accept_all(self, annotator: str, suggestions: list[Suggestion]) -> list[Annotation]:
        """Accept every suggestion not yet decided on, as one undoable action."""
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            changes: list[Change] = []
            ids = []
            for suggestion in suggestions:
                if self._decided(annotator_id, suggestion.id):
                    continue
                state = self._insert(
                    annotator_id,
                    suggestion.article_id,
                    suggestion.span,
                    Origin.ACCEPTED,
                    suggestion.id,
                    changes,
                )
                ids.append(state["id"])
            if changes:
                self._store.statuses.touch(annotator_id, suggestions[0].article_id, changes)
                self._store.events.log(annotator_id, changes)
        return [self.get(i) for i in ids]

    def reject(self, annotator: str, suggestion: Suggestion) -> None:
        """Turn a suggestion down, so it no longer counts as open."""
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            state = {
                "annotator_id": annotator_id,
                "suggestion_id": suggestion.id,
                "article_id": suggestion.article_id,
                "at": now(),
            }
            key = f"{annotator_id}/{suggestion.id}"
            self._write_rejection(key, state)
            changes = [Change("rejection.add", suggestion.article_id, key, None, state)]
            self._store.statuses.touch(annotator_id, suggestion.article_id, changes)
            self._store.events.log(annotator_id, changes)

    def import_spans(
        self, annotator: str, article_id: str, spans: list[Span], status: Status = Status.DONE
    ) -> int:
        """Store spans read from another tool as this annotator's work, marked done.

        Returns how many were stored; none when the annotator already has work here.
        """
        return self.import_many(annotator, {article_id: spans}, status).get(article_id, 0)

    def import_many(
        self, annotator: str, spans_by_article: dict[str, list[Span]], status: Status = Status.DONE
    ) -> dict[str, int]:
        """`import_spans` for many articles in one transaction, written in bulk.

        Logged for audit (kind `annotation.import`), but not an undoable action
        of the annotator's. Articles where the annotator already has work are
        left as they are (absent from the result).
        """
        db = self._store.db
        stored: dict[str, int] = {}
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            ids = list(spans_by_article)
            busy = set()
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                marks = ", ".join("?" * len(part))
                busy.update(
                    r[0]
                    for r in db.execute(
                        f"SELECT DISTINCT article_id FROM annotations WHERE annotator_id = ?"
                        f" AND article_id IN ({marks})",
                        [annotator_id, *part],
                    )
                )
            texts = dict(self._store.articles.texts([i for i in ids if i not in busy]))
            row = db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'annotations'"
            ).fetchone()
            next_id = max(
                row[0] if row else 0,
                db.execute("SELECT coalesce(max(id), 0) FROM annotations").fetchone()[0],
            )
            stamp = now()
            rows, changes = [], []
            for article_id, text in texts.items():
                for span in spans_by_article[article_id]:
                    _check_span(article_id, text, span)
                    next_id += 1
                    state = {
                        "id": next_id,
                        "article_id": article_id,
                        "annotator_id": annotator_id,
                        "start": span.start,
                        "end": span.end,
                        "label": span.label,
                        "attrs": json.dumps(span.attrs, ensure_ascii=False, sort_keys=True),
                        "origin": Origin.IMPORTED.value,
                        "suggestion_id": None,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                    rows.append([state[c] for c in _ANNOTATION_COLUMNS])
                    changes.append(
                        Change("annotation.import", article_id, str(next_id), None, _public(state))
                    )
                key = f"{annotator_id}/{article_id}"
                before = self._store.statuses._state(annotator_id, article_id)
                after = {
                    "article_id": article_id,
                    "annotator_id": annotator_id,
                    "status": Status(status).value,
                    "comment": None,
                    "updated_at": stamp,
                }
                self._store.statuses._write_state(key, after)
                changes.append(Change("status.import", article_id, key, before, after))
                stored[article_id] = len(spans_by_article[article_id])
            db.conn.executemany(
                "INSERT INTO annotations ("
                + ", ".join(f'"{c}"' for c in _ANNOTATION_COLUMNS)
                + ") VALUES ("
                + ", ".join("?" * len(_ANNOTATION_COLUMNS))
                + ")",
                rows,
            )
            if changes:
                self._store.events.log(annotator_id, changes)
        return stored

    def update(
        self,
        annotation_id: int,
        *,
        start: int | None = None,
        end: int | None = None,
        label: str | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> Annotation:
        """Relabel, resize or edit the attributes of an annotation."""
        with self._store.transaction():
            before = self._state(annotation_id)
            after = dict(before)
            for key, value in (("start", start), ("end", end), ("label", label)):
                if value is not None:
                    after[key] = value
            if attrs is not None:
                after["attrs"] = json.dumps(attrs, ensure_ascii=False, sort_keys=True)
            if after == before:
                return self.get(annotation_id)
            self._check(after["article_id"], _span(after))
            if after["origin"] == Origin.ACCEPTED:
                after["origin"] = Origin.EDITED.value
            after["updated_at"] = now()
            self._write_state(str(annotation_id), after)
            changes = [
                Change(
                    "annotation.update",
                    after["article_id"],
                    str(annotation_id),
                    _public(before),
                    _public(after),
                )
            ]
            self._store.events.log(after["annotator_id"], changes)
        return self.get(annotation_id)

    def delete(self, annotation_id: int) -> None:
        with self._store.transaction():
            before = self._state(annotation_id)
            self._write_state(str(annotation_id), None)
            changes = [
                Change(
                    "annotation.delete",
                    before["article_id"],
                    str(annotation_id),
                    _public(before),
                    None,
                )
            ]
            self._store.events.log(before["annotator_id"], changes)

    # -- internals ------------------------------------------------------------

    def _insert(
        self,
        annotator_id: int,
        article_id: str,
        span: Span,
        origin: Origin,
        suggestion_id: int | None,
        changes: list[Change],
    ) -> dict[str, Any]:
        stamp = now()
        cursor = self._store.db.execute(
            'INSERT INTO annotations (article_id, annotator_id, start, "end", label, attrs,'
            " origin, suggestion_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                article_id,
                annotator_id,
                span.start,
                span.end,
                span.label,
                json.dumps(span.attrs, ensure_ascii=False, sort_keys=True),
                origin.value,
                suggestion_id,
                stamp,
                stamp,
            ],
        )
        state = self._state(cursor.lastrowid)
        changes.append(Change("annotation.add", article_id, str(state["id"]), None, _public(state)))
        return state

    def _decided(self, annotator_id: int, suggestion_id: int) -> bool:
        return (
            self._store.db.execute(
                "SELECT 1 FROM annotations WHERE annotator_id = ? AND suggestion_id = ?"
                " UNION ALL SELECT 1 FROM rejections WHERE annotator_id = ? AND suggestion_id = ?",
                [annotator_id, suggestion_id, annotator_id, suggestion_id],
            ).fetchone()
            is not None
        )

    def _check(self, article_id: str, span: Span) -> None:
        row = self._store.db.execute(
            "SELECT length(text), substr(text, ? + 1, ? - ?) FROM articles WHERE id = ?",
            [span.start, span.end, span.start, article_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no article {article_id}")
        length, covered = row
        if not (0 <= span.start < span.end <= length):
            raise InvalidSpan(f"span {span.start}-{span.end} is outside the article (0-{length})")
        if covered != covered.strip():
            raise InvalidSpan(f"span {span.start}-{span.end} starts or ends with white space")
        if not span.label or not span.label.strip():
            raise InvalidSpan("a span needs a label")

    def _state(self, annotation_id: int) -> dict[str, Any]:
        cursor = self._store.db.execute(
            "SELECT "
            + ", ".join(f'"{c}"' for c in _ANNOTATION_COLUMNS)
            + " FROM annotations WHERE id = ?",
            [annotation_id],
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFound(f"no annotation {annotation_id}")
        return dict(zip(_ANNOTATION_COLUMNS, row, strict=True))

    def _write_state(self, entity_id: str, state: dict[str, Any] | None) -> None:
        db = self._store.db
        if state is None:
            db.execute("DELETE FROM annotations WHERE id = ?", [int(entity_id)])
            return
        row = dict(state)
        if isinstance(row.get("attrs"), dict):
            row["attrs"] = json.dumps(row["attrs"], ensure_ascii=False, sort_keys=True)
        db.execute(
            "INSERT OR REPLACE INTO annotations ("
            + ", ".join(f'"{c}"' for c in _ANNOTATION_COLUMNS)
            + ") VALUES ("
            + ", ".join("?" * len(_ANNOTATION_COLUMNS))
            + ")",
            [row[c] for c in _ANNOTATION_COLUMNS],
        )

    def _write_rejection(self, entity_id: str, state: dict[str, Any] | None) -> None:
        annotator_id, suggestion_id = (int(x) for x in entity_id.split("/"))
        if state is None:
            self._store.db.execute(
                "DELETE FROM rejections WHERE annotator_id = ? AND suggestion_id = ?",
                [annotator_id, suggestion_id],
            )
        else:
            self._store.db.execute(
                "INSERT OR REPLACE INTO rejections (annotator_id, suggestion_id, article_id, at)"
                " VALUES (?, ?, ?, ?)",
                [annotator_id, suggestion_id, state["article_id"], state["at"]],
            )

    def _query(self, where: str, args: list[Any]) -> list[Annotation]:
        sql = (
            'SELECT an.id, an.article_id, a.name, an.start, an."end", an.label, an.attrs,'
            " an.origin, an.suggestion_id, an.updated_at FROM annotations an"
            f" JOIN annotators a ON a.id = an.annotator_id WHERE {where} ORDER BY an.start, an.id"
        )
        return [
            Annotation(
                id=r[0],
                article_id=r[1],
                annotator=r[2],
                span=Span(r[3], r[4], r[5], json.loads(r[6])),
                origin=Origin(r[7]),
                suggestion_id=r[8],
                updated_at=r[9],
            )
            for r in self._store.db.execute(sql, args)
        ]


def _check_span(article_id: str, text: str, span: Span) -> None:
    if not (0 <= span.start < span.end <= len(text)):
        raise InvalidSpan(
            f"article {article_id}: span {span.start}-{span.end} is outside the text"
            f" (0-{len(text)})"
        )
    covered = text[span.start : span.end]
    if covered != covered.strip():
        raise InvalidSpan(
            f"article {article_id}: span {span.start}-{span.end} starts or ends with white space"
        )
    if not span.label.strip():
        raise InvalidSpan(f"article {article_id}: a span needs a label")


def _span(state: dict[str, Any]) -> Span:
    attrs = state["attrs"]
    return Span(
        state["start"],
        state["end"],
        state["label"],
        json.loads(attrs) if isinstance(attrs, str) else attrs,
    )


def _public(state: dict[str, Any]) -> dict[str, Any]:
    """A row as logged: attrs as an object, not a JSON string."""
    out = dict(state)
    if isinstance(out.get("attrs"), str):
        out["attrs"] = json.loads(out["attrs"])
    return out
