"""JSON Lines: one article a line, `{"id", "text", "meta", "spans", "source"}`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.core.errors import Cancelled
from annotator.core.exporters.base import ExportReport, SourcedArticle, sourced_articles
from annotator.core.files import atomic_write
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store


def export_jsonl(
    store: Store,
    out: Path,
    *,
    source: str,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportReport:
    """Write the articles of `source` with their spans; the file appears whole or not at all.

    Each span carries its FIGURE attributes in `attrs` and, for human work, its
    `origin`; each line's `source` says whose spans they are and whether they
    were reviewed.
    """
    report = ExportReport(files=[out])
    try:
        with atomic_write(out) as stream:
            for item in sourced_articles(
                store, source, status=status, progress=progress, cancelled=cancelled
            ):
                stream.write(json.dumps(_line(item, report), ensure_ascii=False) + "\n")
                report.articles += 1
            if cancelled is not None and cancelled():
                raise Cancelled("export cancelled")
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def _line(item: SourcedArticle, report: ExportReport) -> dict[str, Any]:
    spans = []
    for span, origin in zip(item.spans, item.origins, strict=True):
        record: dict[str, Any] = {"start": span.start, "end": span.end, "label": span.label}
        if span.attrs:
            record["attrs"] = span.attrs
        if origin is not None:
            record["origin"] = origin
        spans.append(record)
        report.labels[span.label] += 1
    return {
        "id": item.article.id,
        "title": item.article.title,
        "text": item.article.text,
        "meta": item.article.meta,
        "spans": spans,
        "source": item.provenance,
    }
