"""Many articles with one source's spans, read a chunk at a time (for exports).

Reading article by article costs several queries each; an export of 100k
articles spends most of its time there. These read a chunk of ids with one
query per table, in the same order and with the same values as the per-article
readers (`articles.get`, `annotations.for_article`, `suggestions.for_article`,
`gold.for_article`, `statuses.get`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annotator.core.records import Article, Span, Status, SuggestionSet
from annotator.core.store.gold import GoldSpan

if TYPE_CHECKING:
    from annotator.core.store.store import Store

CHUNK = 500  # ids a query: well under SQLite's limit on bound parameters


def _rows(store: Store, sql: str, ids: Sequence[str], *args: Any) -> list[tuple]:
    """`sql` with `{ids}` standing for the placeholders of `ids`, then `args` bound after."""
    marks = ", ".join("?" * len(ids))
    return store.db.execute(sql.format(ids=marks), [*ids, *args]).fetchall()


def articles(store: Store, ids: Sequence[str]) -> dict[str, Article]:
    rows = _rows(
        store,
        "SELECT id, title, text, source, meta, imported_at, words, cluster FROM articles"
        " WHERE id IN ({ids})",
        ids,
    )
    return {r[0]: Article(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6], r[7]) for r in rows}


def annotated(
    store: Store, ids: Sequence[str], annotator: str
) -> dict[str, list[tuple[Span, str]]]:
    """{article: [(span, origin)]} of one annotator, each list by start then id."""
    out: dict[str, list[tuple[Span, str]]] = {i: [] for i in ids}
    rows = _rows(
        store,
        'SELECT an.article_id, an.start, an."end", an.label, an.attrs, an.origin'
        " FROM annotations an JOIN annotators a ON a.id = an.annotator_id"
        " WHERE an.article_id IN ({ids}) AND a.name = ? ORDER BY an.start, an.id",
        ids,
        annotator,
    )
    loads = json.loads
    for article_id, start, end, label, attrs, origin in rows:  # inlined: 30 spans an article
        out[article_id].append(
            (Span(start, end, label, {} if attrs == "{}" else loads(attrs)), origin)
        )
    return out


def statuses(store: Store, ids: Sequence[str], annotator: str) -> dict[str, Status]:
    """Each article's status for `annotator`; todo where none was ever set."""
    found = dict(
        _rows(
            store,
            "SELECT s.article_id, s.status FROM article_status s"
            " JOIN annotators a ON a.id = s.annotator_id"
            " WHERE s.article_id IN ({ids}) AND a.name = ?",
            ids,
            annotator,
        )
    )
    return {i: Status(found[i]) if i in found else Status.TODO for i in ids}


def suggested(store: Store, ids: Sequence[str]) -> dict[str, tuple[SuggestionSet, list[Span]]]:
    """{article: (its newest suggestion set, that set's spans by start then id)}."""
    newest = dict(
        _rows(
            store,
            "SELECT article_id, max(set_id) FROM suggested_articles"
            " WHERE article_id IN ({ids}) GROUP BY article_id",
            ids,
        )
    )
    sets = {
        r[0]: SuggestionSet(*r)
        for r in store.db.execute(
            "SELECT id, model, model_version, recognizers_version, created_at FROM suggestion_sets"
        )
    }
    out: dict[str, tuple[SuggestionSet, list[Span]]] = {i: (sets[s], []) for i, s in newest.items()}
    rows = _rows(
        store,
        'SELECT article_id, set_id, start, "end", label, attrs FROM suggestions'
        " WHERE article_id IN ({ids}) ORDER BY start, id",
        ids,
    )
    loads = json.loads
    for article_id, set_id, start, end, label, attrs in rows:
        if newest.get(article_id) == set_id:
            span = Span(start, end, label, {} if attrs == "{}" else loads(attrs))
            out[article_id][1].append(span)
    return out


def gold(store: Store, ids: Sequence[str]) -> dict[str, tuple[str | None, list[GoldSpan]]]:
    """{article: (its gold status, its gold spans by start then id)}."""
    status = dict(
        _rows(store, "SELECT article_id, status FROM gold_status WHERE article_id IN ({ids})", ids)
    )
    out: dict[str, tuple[str | None, list[GoldSpan]]] = {i: (status.get(i), []) for i in ids}
    rows = _rows(
        store,
        'SELECT g.id, g.article_id, g.start, g."end", g.label, g.attrs, a.name, g.supporters,'
        " g.rule FROM gold_spans g JOIN annotators a ON a.id = g.adjudicator_id"
        " WHERE g.article_id IN ({ids}) ORDER BY g.start, g.id",
        ids,
    )
    for r in rows:
        span = Span(r[2], r[3], r[4], json.loads(r[5]))
        out[r[1]][1].append(GoldSpan(r[0], r[1], span, r[6], tuple(json.loads(r[7])), r[8]))
    return out
