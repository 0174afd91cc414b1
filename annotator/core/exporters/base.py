"""What every exporter shares: the span source and the report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import Article, Span, Status
from annotator.core.store import Store

SUGGESTIONS = "suggestions"
GOLD = "gold"


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)
    articles: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class SourcedArticle:
    """An article with the spans of one source and where they came from."""

    article: Article
    spans: list[Span]
    provenance: dict[str, Any]
    origins: list[str | None]  # per span: accepted / edited / manual; None for suggestions


def sourced_articles(
    store: Store,
    source: str,
    *,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> Iterator[SourcedArticle]:
    """Stream the articles of a source, with their spans; stop when cancelled."""
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
    for done, article_id in enumerate(ids, start=1):
        if cancelled is not None and cancelled():
            return
        if source == SUGGESTIONS:
            item = _suggested(store, article_id)
        elif source == GOLD:
            item = _gold(store, article_id)
        else:
            item = _annotated(store, article_id, source, status)
        if item is not None:
            yield item
        if progress is not None:
            progress(Progress(done, len(ids), "articles"))


def _suggested(store: Store, article_id: str) -> SourcedArticle | None:
    suggestion_set = store.suggestions.newest_set(article_id)
    if suggestion_set is None:
        return None
    spans = [s.span for s in store.suggestions.for_article(article_id, suggestion_set.id)]
    provenance = {
        "source": SUGGESTIONS,
        "reviewed": False,
        "model": suggestion_set.model,
        "model_version": suggestion_set.model_version,
        "recognizers_version": suggestion_set.recognizers_version,
    }
    return SourcedArticle(store.articles.get(article_id), spans, provenance, [None] * len(spans))


def _gold(store: Store, article_id: str) -> SourcedArticle:
    gold = store.gold.for_article(article_id)
    provenance = {
        "source": GOLD,
        "reviewed": True,
        "adjudication": store.gold.status(article_id),
        "adjudicators": sorted({g.adjudicator for g in gold}),
        "supporters": [list(g.supporters) for g in gold],
    }
    return SourcedArticle(
        store.articles.get(article_id),
        [g.span for g in gold],
        provenance,
        [f"gold:{g.rule}" for g in gold],
    )


def _annotated(store: Store, article_id: str, annotator: str, status: str) -> SourcedArticle | None:
    article_status = store.statuses.get(article_id, annotator)
    if status != "all" and article_status.status != Status(status):
        return None
    annotations = store.annotations.for_article(article_id, annotator)
    provenance = {"source": annotator, "reviewed": True, "status": article_status.status.value}
    return SourcedArticle(
        store.articles.get(article_id),
        [a.span for a in annotations],
        provenance,
        [a.origin.value for a in annotations],
    )
