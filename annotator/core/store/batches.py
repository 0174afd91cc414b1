"""Many articles with one source's spans, read a chunk at a time (for exports).

Reading article by article costs several queries each; an export of 100k
articles spends most of its time there. These read a chunk of ids with one
query per table, in the same order and with the same values as the per-article
readers (`articles.get`, `annotations.for_article`, `suggestions.for_article`,
`gold.for_article`, `statuses.get`), spans as plain rows.
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annotator.core.records import Article, Status, SuggestionSet

if TYPE_CHECKING:
    from annotator.core.store.store import Store

CHUNK = 500  # ids a query: well under SQLite's limit on bound parameters

# A span as the exports read it: (article id, start, end, label, attrs as JSON, origin),
# origin None for suggestions. Kept as the row SQLite gives: making a Span and
# parsing its attrs costs more than the query, and the DocBin export needs neither.
SpanRow = tuple[str, int, int, str, str, str | None]
# A gold span: a SpanRow (origin "gold:RULE"), then the adjudicator's name and the
# supporters' names as JSON.
GoldRow = tuple[str, int, int, str, str, str, str, str]


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


def annotated(store: Store, ids: Sequence[str], annotator: str) -> dict[str, list[SpanRow]]:
    """{article: the spans of one annotator}, every id a list, each by start then id."""
    rows = _rows(
        store,
        'SELECT an.article_id, an.start, an."end", an.label, an.attrs, an.origin'
        " FROM annotations an JOIN annotators a ON a.id = an.annotator_id"
        " WHERE an.article_id IN ({ids}) AND a.name = ?"
        " ORDER BY an.article_id, an.start, an.id",
        ids,
        annotator,
    )
    return {i: [] for i in ids} | _grouped(rows)


def statuses(
    store: Store, ids: Sequence[str], annotator: str
) -> dict[str, tuple[Status, str | None]]:
    """Each article's (status, comment) for `annotator`; (todo, None) where none was ever set."""
    found = {
        r[0]: (Status(r[1]), r[2])
        for r in _rows(
            store,
            "SELECT s.article_id, s.status, s.comment FROM article_status s"
            " JOIN annotators a ON a.id = s.annotator_id"
            " WHERE s.article_id IN ({ids}) AND a.name = ?",
            ids,
            annotator,
        )
    }
    return {i: found.get(i, (Status.TODO, None)) for i in ids}


def suggested(store: Store, ids: Sequence[str]) -> dict[str, tuple[SuggestionSet, list[SpanRow]]]:
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
    rows = _rows(
        store,
        'SELECT s.article_id, s.start, s."end", s.label, s.attrs, NULL FROM suggestions s'
        " WHERE s.article_id IN ({ids}) AND s.set_id = (SELECT max(set_id)"
        " FROM suggested_articles n WHERE n.article_id = s.article_id)"
        " ORDER BY s.article_id, s.start, s.id",
        ids,
    )
    spans = _grouped(rows)
    return {i: (sets[s], spans.get(i, [])) for i, s in newest.items()}


def gold(store: Store, ids: Sequence[str]) -> dict[str, tuple[str | None, list[GoldRow]]]:
    """{article: (its gold status, its gold spans by start then id)}.

    A gold row is a span row (its origin `gold:RULE`) then the adjudicator's
    name and the supporters (JSON).
    """
    status = dict(
        _rows(store, "SELECT article_id, status FROM gold_status WHERE article_id IN ({ids})", ids)
    )
    rows = _rows(
        store,
        "SELECT g.article_id, g.start, g.\"end\", g.label, g.attrs, 'gold:' || g.rule, a.name,"
        " g.supporters FROM gold_spans g JOIN annotators a ON a.id = g.adjudicator_id"
        " WHERE g.article_id IN ({ids}) ORDER BY g.article_id, g.start, g.id",
        ids,
    )
    spans = _grouped(rows)
    return {i: (status.get(i), spans.get(i, [])) for i in ids}


def _grouped(rows: list[tuple]) -> dict[str, list[tuple]]:
    """Rows sorted by article id (their first column), {article id: its rows}."""
    return {key: list(group) for key, group in itertools.groupby(rows, operator.itemgetter(0))}
