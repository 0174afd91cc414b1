"""Human work: annotators, their annotations, rejections and article statuses.

Each public write is one user action: one transaction, logged as one action
in the event log, with `before`/`after` states that undo can write back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annotator.core.errors import InvalidSpan, NotFound, StaleState
from annotator.core.records import (
    Annotation,
    Origin,
    Span,
    SpanTuple,
    Status,
    Suggestion,
    label_problem,
)
from annotator.core.store.chunked import rows_over
from annotator.core.store.connection import now
from annotator.core.store.events import Change, Encoded
from annotator.core.store.imported_rows import ENCODER, ImportedRows, check_spans, span_rows

if TYPE_CHECKING:
    from annotator.core.store.store import Store

ANNOTATION_COLUMNS = (
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
            if suggestion_id is not None:
                self._refuse_decided(annotator_id, article_id, suggestion_id)
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
                if self._decided(annotator_id, suggestion):
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
            self._refuse_decided(annotator_id, suggestion.article_id, suggestion.id)
            changes: list[Change] = []
            self._add_rejection(annotator_id, suggestion.article_id, suggestion.id, changes)
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
        self,
        annotator: str,
        spans_by_article: Mapping[str, Sequence[Span] | Sequence[SpanTuple]],
        status: Status = Status.DONE,
        texts: Mapping[str, str] | None = None,
    ) -> dict[str, int]:
        """`import_spans` for many articles in one transaction, written in bulk.

        Logged for audit, not as an undoable action of the annotator's: one
        `annotations.import` row an article, keyed like its status, with the
        status it had before and, after, its new status and its annotations as
        ``[id, start, end, label, attrs]`` lists. Articles where the annotator
        already has (annotations, or marked done even with no span) are left
        as they are (absent from the result, nothing logged). Spans
        may be given as `SpanTuple` tuples, as the importer reads them.

        `texts` holds the stored text of articles the caller has just stored
        and checked these spans against as this does (inside the text, no white
        space at their edges, a label), as the importer does: those texts are
        not read back nor their spans checked again.
        """
        status = Status(status)
        known = texts or {}
        stored: dict[str, int] = {}
        with self._store.transaction():
            annotator_id = self._store.annotators.id_of(annotator)
            busy = self._annotated(annotator_id, list(spans_by_article))
            wanted = [i for i in spans_by_article if i not in busy]
            read = self._store.articles.texts([i for i in wanted if i not in known])
            # By article: the index on articles fills in its order.
            pairs = sorted([*((i, known[i]) for i in wanted if i in known), *read])
            before = self._store.statuses._states(annotator_id, [i for i, _ in pairs])
            rows = ImportedRows(annotator_id, now(), self._last_id())
            states: list[dict[str, Any]] = []
            changes: list[Change] = []
            for article_id, text in pairs:
                spans = span_rows(spans_by_article[article_id])
                if article_id not in known:
                    check_spans(article_id, text, spans)
                logged = rows.add(article_id, spans)
                after = {
                    "article_id": article_id,
                    "annotator_id": annotator_id,
                    "status": status.value,
                    # a flag comment stays with the article (statuses.set)
                    "comment": (before.get(article_id) or {}).get("comment"),
                    "updated_at": rows.stamp,
                }
                states.append(after)
                key = f"{annotator_id}/{article_id}"
                # {"status": after, "annotations": logged}, as the log encodes it (sorted keys)
                state = Encoded(f'{{"annotations": {logged}, "status": {ENCODER.encode(after)}}}')
                changes.append(
                    Change("annotations.import", article_id, key, before.get(article_id), state)
                )
                stored[article_id] = len(spans)
            rows.insert(self._store.db.conn)
            self._store.statuses._write_states(states)
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
        expected: Span | None = None,
    ) -> Annotation:
        """Relabel, resize or edit the attributes of an annotation.

        `expected` is the span as the caller last read it: if the stored one
        differs (another window changed it), nothing is written.
        """
        with self._store.transaction():
            before = self._expected_state(annotation_id, expected)
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

    def delete(self, annotation_id: int, expected: Span | None = None) -> None:
        """Delete an annotation; one that came from a suggestion rejects it too.

        Deleting is a decision on the suggestion it came from: without the
        rejection the suggestion would be pending again, and accepted again.
        """
        with self._store.transaction():
            before = self._expected_state(annotation_id, expected)
            self._write_state(str(annotation_id), None)
            article_id, annotator_id = before["article_id"], before["annotator_id"]
            changes = [
                Change("annotation.delete", article_id, str(annotation_id), _public(before), None)
            ]
            suggestion_id = before["suggestion_id"]
            if suggestion_id is not None and not self._decided_by_id(
                annotator_id, article_id, suggestion_id
            ):
                self._add_rejection(annotator_id, article_id, suggestion_id, changes)
            self._store.events.log(annotator_id, changes)

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

    def _add_rejection(
        self, annotator_id: int, article_id: str, suggestion_id: int, changes: list[Change]
    ) -> None:
        key = f"{annotator_id}/{suggestion_id}"
        state = {
            "annotator_id": annotator_id,
            "suggestion_id": suggestion_id,
            "article_id": article_id,
            "at": now(),
        }
        self._write_rejection(key, state)
        changes.append(Change("rejection.add", article_id, key, None, state))

    def _annotated(self, annotator_id: int, article_ids: list[str]) -> set[str]:
        """Which of these articles the annotator already has: annotations, or marked done.

        A version finished with no span (imported with none, or work that found
        none) is the annotator's too; a flag or an article opened is not work to keep.
        """
        found: set[str] = set()
        for sql in (
            "SELECT article_id FROM article_status WHERE annotator_id = ?"
            " AND status = 'done' AND article_id IN ({marks})",
            "SELECT DISTINCT article_id FROM annotations WHERE annotator_id = ?"
            " AND article_id IN ({marks})",
        ):
            found.update(r[0] for r in rows_over(self._store.db, sql, [annotator_id], article_ids))
        return found

    def _last_id(self) -> int:
        """The highest annotation id ever given, deleted ones included (AUTOINCREMENT)."""
        db = self._store.db
        row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'annotations'").fetchone()
        return max(
            row[0] if row else 0,
            db.execute("SELECT coalesce(max(id), 0) FROM annotations").fetchone()[0],
        )

    def _decided(self, annotator_id: int, suggestion: Suggestion) -> bool:
        return self._decided_by_id(annotator_id, suggestion.article_id, suggestion.id)

    def _decided_by_id(self, annotator_id: int, article_id: str, suggestion_id: int) -> bool:
        # By article too: on the annotator alone SQLite read all their annotations
        # (0.2 s an accepted suggestion for someone with 300k of them).
        return (
            self._store.db.execute(
                "SELECT 1 FROM annotations WHERE article_id = ? AND annotator_id = ?"
                " AND suggestion_id = ?"
                " UNION ALL SELECT 1 FROM rejections WHERE annotator_id = ? AND suggestion_id = ?",
                [article_id, annotator_id, suggestion_id, annotator_id, suggestion_id],
            ).fetchone()
            is not None
        )

    def _refuse_decided(self, annotator_id: int, article_id: str, suggestion_id: int) -> None:
        """A suggestion is decided once: a second decision means a stale view."""
        if self._decided_by_id(annotator_id, article_id, suggestion_id):
            raise StaleState(
                "this suggestion was already decided (in another window?); the article was"
                " read again and nothing was changed"
            )

    def _expected_state(self, annotation_id: int, expected: Span | None) -> dict[str, Any]:
        """The stored row, if it is still what the caller saw."""
        try:
            state = self._state(annotation_id)
        except NotFound:
            if expected is None:
                raise
            raise StaleState(
                "this annotation is gone (changed in another window?); the article was read"
                " again and nothing was changed"
            ) from None
        if expected is not None and _span(state) != expected:
            raise StaleState(
                "this annotation was changed in another window; the article was read again"
                " and nothing was changed"
            )
        return state

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
        problem = label_problem(span.label)
        if problem is not None:
            raise InvalidSpan(problem)

    def _state(self, annotation_id: int) -> dict[str, Any]:
        cursor = self._store.db.execute(
            "SELECT "
            + ", ".join(f'"{c}"' for c in ANNOTATION_COLUMNS)
            + " FROM annotations WHERE id = ?",
            [annotation_id],
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFound(f"no annotation {annotation_id}")
        return dict(zip(ANNOTATION_COLUMNS, row, strict=True))

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
            + ", ".join(f'"{c}"' for c in ANNOTATION_COLUMNS)
            + ") VALUES ("
            + ", ".join("?" * len(ANNOTATION_COLUMNS))
            + ")",
            [row[c] for c in ANNOTATION_COLUMNS],
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
