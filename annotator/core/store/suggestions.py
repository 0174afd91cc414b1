"""Machine suggestions, kept apart from human work, by suggestion set.

A suggestion set is one (model, model version, recognizers version); running
the same versions again skips the articles the set has already run over, and
the newest set that ran over an article is the one shown for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from annotator.core.records import Span, Suggestion, SuggestionSet
from annotator.core.store.chunked import rows_over
from annotator.core.store.connection import now
from annotator.core.store.events import Change

if TYPE_CHECKING:
    from annotator.core.store.store import Store


class Suggestions:
    def __init__(self, store: Store) -> None:
        self._store = store

    def set_for(self, model: str, model_version: str, recognizers_version: str) -> SuggestionSet:
        """The suggestion set of these versions, created on first use."""
        key = [model, model_version, recognizers_version]
        db = self._store.db
        with self._store.transaction():
            db.execute(
                "INSERT OR IGNORE INTO suggestion_sets"
                " (model, model_version, recognizers_version, created_at) VALUES (?, ?, ?, ?)",
                [*key, now()],
            )
        row = db.execute(
            "SELECT id, model, model_version, recognizers_version, created_at FROM suggestion_sets"
            " WHERE model = ? AND model_version = ? AND recognizers_version = ?",
            key,
        ).fetchone()
        return SuggestionSet(*row)

    def get_set(self, set_id: int) -> SuggestionSet:
        row = self._store.db.execute(
            "SELECT id, model, model_version, recognizers_version, created_at FROM suggestion_sets"
            " WHERE id = ?",
            [set_id],
        ).fetchone()
        return SuggestionSet(*row)

    def sets(self) -> list[SuggestionSet]:
        return [
            SuggestionSet(*r)
            for r in self._store.db.execute(
                "SELECT id, model, model_version, recognizers_version, created_at"
                " FROM suggestion_sets ORDER BY id"
            )
        ]

    def pending(self, set_id: int) -> list[str]:
        """Ids of the articles this set has not run over yet, in import order."""
        return [
            r[0]
            for r in self._store.db.execute(
                "SELECT id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM suggested_articles s"
                " WHERE s.article_id = a.id AND s.set_id = ?) ORDER BY seq",
                [set_id],
            )
        ]

    def add(self, set_id: int, spans_by_article: Mapping[str, Sequence[Span]]) -> dict[str, int]:
        """Store one batch of articles' suggestions atomically, marking them run.

        An article the set has run over already is left as it is (absent from
        the result, which counts the suggestions stored an article), so that
        running the same input again adds nothing; a span given twice (same
        start, end and label) is one suggestion.
        """
        db = self._store.db
        with self._store.transaction():
            done = self._run_over(set_id, list(spans_by_article))
            stored: dict[str, list[Span]] = {}
            for article_id, spans in spans_by_article.items():
                if article_id in done:
                    continue
                once: dict[tuple[int, int, str], Span] = {}
                for span in spans:
                    once.setdefault((span.start, span.end, span.label), span)
                stored[article_id] = list(once.values())
            db.conn.executemany(
                'INSERT INTO suggestions (set_id, article_id, start, "end", label, attrs)'
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        set_id,
                        article_id,
                        s.start,
                        s.end,
                        s.label,
                        json.dumps(s.attrs, ensure_ascii=False, sort_keys=True),
                    )
                    for article_id, spans in stored.items()
                    for s in spans
                ],
            )
            db.conn.executemany(
                "INSERT INTO suggested_articles (set_id, article_id) VALUES (?, ?)",
                [(set_id, article_id) for article_id in stored],
            )
            if stored:
                after = {"set_id": set_id, "articles": len(stored)}
                self._store.events.log(None, [Change("suggestions.add", None, None, None, after)])
        return {article_id: len(spans) for article_id, spans in stored.items()}

    def _run_over(self, set_id: int, ids: Sequence[str]) -> set[str]:
        """Which of these articles the set has run over."""
        sql = (
            "SELECT article_id FROM suggested_articles WHERE set_id = ?"
            " AND article_id IN ({marks})"
        )
        return {r[0] for r in rows_over(self._store.db, sql, [set_id], ids)}

    def newest_set(self, article_id: str) -> SuggestionSet | None:
        row = self._store.db.execute(
            "SELECT max(set_id) FROM suggested_articles WHERE article_id = ?", [article_id]
        ).fetchone()
        return None if row[0] is None else self.get_set(row[0])

    def get(self, suggestion_id: int) -> Suggestion | None:
        row = self._store.db.execute(
            'SELECT id, set_id, article_id, start, "end", label, attrs FROM suggestions'
            " WHERE id = ?",
            [suggestion_id],
        ).fetchone()
        return None if row is None else Suggestion(
            row[0], row[1], row[2], Span(row[3], row[4], row[5], _attrs(row[6]))
        )

    def for_article(self, article_id: str, set_id: int | None = None) -> list[Suggestion]:
        """The article's suggestions from `set_id`, or from its newest set."""
        if set_id is None:
            newest = self.newest_set(article_id)
            if newest is None:
                return []
            set_id = newest.id
        return [
            Suggestion(r[0], r[1], r[2], Span(r[3], r[4], r[5], _attrs(r[6])))
            for r in self._store.db.execute(
                'SELECT id, set_id, article_id, start, "end", label, attrs FROM suggestions'
                " WHERE article_id = ? AND set_id = ? ORDER BY start, id",
                [article_id, set_id],
            )
        ]


def _attrs(text: str) -> dict:
    # Most spans have no attributes: skip the JSON parser for them.
    return {} if text == "{}" else json.loads(text)
