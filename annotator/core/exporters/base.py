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
from annotator.core.store import Store, batches

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


def _suggested(store: Store, ids: list[str]) -> dict[str, SourcedArticle]:
    articles = batches.articles(store, ids)
    out = {}
    for article_id, (suggestion_set, spans) in batches.suggested(store, ids).items():
        provenance = {
            "source": SUGGESTIONS,
            "reviewed": False,
            "model": suggestion_set.model,
            "model_version": suggestion_set.model_version,
            "recognizers_version": suggestion_set.recognizers_version,
        }
        out[article_id] = SourcedArticle(
            articles[article_id], spans, provenance, [None] * len(spans)
        )
    return out


def _gold(store: Store, ids: list[str]) -> dict[str, SourcedArticle]:
    articles = batches.articles(store, ids)
    out = {}
    for article_id, (status, gold) in batches.gold(store, ids).items():
        provenance = {
            "source": GOLD,
            "reviewed": True,
            "adjudication": status,
            "adjudicators": sorted({g.adjudicator for g in gold}),
            "supporters": [list(g.supporters) for g in gold],
        }
        out[article_id] = SourcedArticle(
            articles[article_id],
            [g.span for g in gold],
            provenance,
            [f"gold:{g.rule}" for g in gold],
        )
    return out


def _annotated(
    store: Store, ids: list[str], annotator: str, status: str
) -> dict[str, SourcedArticle]:
    statuses = batches.statuses(store, ids, annotator)
    if status != "all":
        ids = [i for i in ids if statuses[i] == Status(status)]
    articles = batches.articles(store, ids)
    out = {}
    for article_id, spans in batches.annotated(store, ids, annotator).items():
        provenance = {"source": annotator, "reviewed": True, "status": statuses[article_id].value}
        out[article_id] = SourcedArticle(
            articles[article_id],
            [span for span, _ in spans],
            provenance,
            [origin for _, origin in spans],
        )
    return out
