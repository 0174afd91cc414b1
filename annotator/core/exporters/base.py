"""What every exporter shares: the span source and the report."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import Article, Span, Status
from annotator.core.store import Store, batches
from annotator.core.store.batches import SpanRow

SUGGESTIONS = "suggestions"
GOLD = "gold"


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)
    articles: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class SpanIssue:
    """A span an export could not write as it is, and what it did instead."""

    article: str  # article id
    start: int  # the span's own character offsets, as stored
    end: int
    text: str
    label: str
    resolution: str  # e.g. "widened to whole tokens: 10-18 'déminage'" or "left out: ..."


@dataclass
class FormatReport(ExportReport):
    """ExportReport plus what a token format had to change.

    `labels` counts the spans written, per label. `misaligned` lists spans
    whose edges fall inside a spaCy token; `overlapping` lists spans left
    out because they overlap a span that was kept. `splits` counts articles
    per split (DocBin only).
    """

    misaligned: list[SpanIssue] = field(default_factory=list)
    overlapping: list[SpanIssue] = field(default_factory=list)
    splits: dict[str, int] = field(default_factory=dict)


def is_reviewed(source: str, status: str | None) -> bool:
    """The one rule of every export: reviewed means a person finished the article.

    An annotator's article is reviewed when its status is done (todo, in
    progress, skipped and flagged are not); a gold article when it is
    adjudicated (not while in review); suggestions never are.
    """
    if source == SUGGESTIONS:
        return False
    if source == GOLD:
        return status == "adjudicated"
    return status == Status.DONE.value


def review_record(item: SourcedArticle | SourcedRows) -> dict[str, Any]:
    """What an export records of an article's review, for formats with no place for it in
    their own files (a side file of the CoNLL and brat exports, columns of the CSV):
    `{"id", "title", "source", "reviewed", "status", "comment"?}`."""
    provenance = item.provenance
    record = {
        "id": item.article.id,
        "title": item.article.title,
        "source": provenance["source"],
        "reviewed": provenance["reviewed"],
        "status": provenance.get("status"),
    }
    if provenance.get("comment"):
        record["comment"] = provenance["comment"]
    return record


def review_line(item: SourcedArticle | SourcedRows) -> str:
    """`review_record` as a JSON line."""
    return json.dumps(review_record(item), ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True)
class SourcedArticle:
    """An article with the spans of one source and where they came from."""

    article: Article
    spans: list[Span]
    provenance: dict[str, Any]
    origins: list[str | None]  # per span: accepted / edited / manual; None for suggestions


@dataclass(frozen=True, slots=True)
class SourcedRows:
    """An article with the spans of one source as rows (`batches.SpanRow`), by start then id.

    What `SourcedArticle` holds, before a Span is made of each row: the
    exports that write many spans read the rows.
    """

    article: Article
    provenance: dict[str, Any]
    rows: list[SpanRow]

    def sourced(self) -> SourcedArticle:
        loads = json.loads
        spans = [Span(r[1], r[2], r[3], {} if r[4] == "{}" else loads(r[4])) for r in self.rows]
        return SourcedArticle(self.article, spans, self.provenance, [r[5] for r in self.rows])


def sourced_articles(
    store: Store,
    source: str,
    *,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> Iterator[SourcedArticle]:
    """Stream the articles of a source, with their spans; stop when cancelled."""
    for item in sourced_rows(store, source, status=status, progress=progress, cancelled=cancelled):
        yield item.sourced()


def sourced_rows(
    store: Store,
    source: str,
    *,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> Iterator[SourcedRows]:
    """`sourced_articles` with the spans as rows."""
    if source not in (SUGGESTIONS, GOLD) and source not in {
        a.name for a in store.annotators.list()
    }:
        raise AnnotatorError(
            f"no source {source!r}: use 'suggestions', 'gold' or an annotator's name"
        )
    if source == GOLD:
        # done: adjudicated articles only; all: those still in review too
        ids = store.gold.article_ids("adjudicated" if status == "done" else None)
    else:
        ids = store.articles.ids()
    done = 0
    for i in range(0, len(ids), batches.CHUNK):
        part = ids[i : i + batches.CHUNK]
        if source == SUGGESTIONS:
            items = _suggested(store, part)
        elif source == GOLD:
            items = _gold(store, part)
        else:
            items = _annotated(store, part, source, status)
        for article_id in part:
            if cancelled is not None and cancelled():
                return
            item = items.get(article_id)
            if item is not None:
                yield item
            done += 1
            if progress is not None:
                progress(Progress(done, len(ids), "articles"))


def _suggested(store: Store, ids: list[str]) -> dict[str, SourcedRows]:
    articles = batches.articles(store, ids)
    out = {}
    for article_id, (suggestion_set, rows) in batches.suggested(store, ids).items():
        provenance = {
            "source": SUGGESTIONS,
            "reviewed": is_reviewed(SUGGESTIONS, None),
            "model": suggestion_set.model,
            "model_version": suggestion_set.model_version,
            "recognizers_version": suggestion_set.recognizers_version,
        }
        out[article_id] = SourcedRows(articles[article_id], provenance, rows)
    return out


def _gold(store: Store, ids: list[str]) -> dict[str, SourcedRows]:
    articles = batches.articles(store, ids)
    out = {}
    for article_id, (status, rows) in batches.gold(store, ids).items():
        provenance = {
            "source": GOLD,
            "reviewed": is_reviewed(GOLD, status),
            "status": status,  # in_review or adjudicated
            "adjudication": status,
            "adjudicators": sorted({r[6] for r in rows}),
            "supporters": [json.loads(r[7]) for r in rows],
        }
        spans: list[SpanRow] = [r[:6] for r in rows]
        out[article_id] = SourcedRows(articles[article_id], provenance, spans)
    return out


def _annotated(store: Store, ids: list[str], annotator: str, status: str) -> dict[str, SourcedRows]:
    statuses = batches.statuses(store, ids, annotator)
    if status != "all":
        ids = [i for i in ids if statuses[i][0] == Status(status)]
    articles = batches.articles(store, ids)
    out = {}
    for article_id, rows in batches.annotated(store, ids, annotator).items():
        state, comment = statuses[article_id]
        provenance: dict[str, Any] = {
            "source": annotator,
            "reviewed": is_reviewed(annotator, state.value),
            "status": state.value,
        }
        if comment:  # the annotator's flag comment, kept whatever the status now
            provenance["comment"] = comment
        out[article_id] = SourcedRows(articles[article_id], provenance, rows)
    return out
