"""JSON Lines: one article a line, `{"id", "text", "meta", "spans", "source"}`."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from annotator.core.collector import old_objects_left_alone
from annotator.core.errors import Cancelled
from annotator.core.exporters.base import ExportReport, SourcedRows, sourced_rows
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
    `origin`; each line's `source` says whose spans they are, whether they
    were reviewed (`base.is_reviewed`), the article's `status` and the
    annotator's flag `comment` when there is one.
    """
    report = ExportReport(files=[out])
    try:
        with old_objects_left_alone(), atomic_write(out) as stream:
            for item in sourced_rows(
                store, source, status=status, progress=progress, cancelled=cancelled
            ):
                stream.write(_line(item))
                report.labels.update(r[3] for r in item.rows)
                report.articles += 1
            if cancelled is not None and cancelled():
                raise Cancelled("export cancelled")
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def _line(item: SourcedRows) -> str:
    """The article's line: `json.dumps` of a dict, its spans written from their rows.

    The spans are most of the data; their attrs are stored as JSON already, so
    they go in as they are rather than parsed and encoded again (a third of the
    export's time).
    """
    article = item.article
    head = {"id": article.id, "title": article.title, "text": article.text, "meta": article.meta}
    spans = ", ".join([_span(*row) for row in item.rows])
    source = json.dumps(item.provenance, ensure_ascii=False)
    # allow_nan=False: a NaN in meta would make the line invalid JSON; never written.
    head_json = json.dumps(head, ensure_ascii=False, allow_nan=False)
    return f'{head_json[:-1]}, "spans": [{spans}], "source": {source}}}\n'


def _span(_: str, start: int, end: int, label: str, attrs: str, origin: str | None) -> str:
    """`json.dumps({"start", "end", "label", "attrs" (when any), "origin" (when any)})`."""
    text = f'{{"start": {start}, "end": {end}, "label": {_quoted(label)}'
    if attrs != "{}":
        text += f', "attrs": {attrs}'
    if origin is not None:
        text += f', "origin": {_quoted(origin)}'
    return text + "}"


@functools.cache
def _quoted(value: str) -> str:  # labels and origins: a handful of values
    return json.dumps(value, ensure_ascii=False)
