"""Figures CSV: one row a FIGURE span, with its normalised value and its sentence."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import Cancelled
from annotator.core.exporters.base import (
    FormatReport,
    SourcedArticle,
    review_record,
    sourced_articles,
)
from annotator.core.exporters.common import (
    check_cancelled,
    french,
    origin_name,
    sentences,
)
from annotator.core.files import atomic_write
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store

if TYPE_CHECKING:
    from spacy.language import Language

FIGURE = "FIGURE"
COLUMNS: tuple[str, ...] = (
    "article",
    "text",
    "value",
    "value_max",
    "qualifier",
    "unit",
    "sentence",
    "start",
    "end",
    "origin",
    "source",
    "reviewed",
    "status",
    "comment",
)


def export_figures_csv(
    store: Store,
    out: Path,
    *,
    source: str,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> FormatReport:
    """Write every FIGURE span of `source` as a CSV row; the file appears whole or not at all.

    Columns: `article` (id), `text` (the span's characters), `value`,
    `value_max`, `qualifier`, `unit` (the span's attributes; empty when
    absent), `sentence` (the sentence holding the span, split at line breaks
    and by spaCy's rule-based sentencizer, never inside a FIGURE; white space
    at its ends trimmed), `start`, `end` (character offsets into the article
    text, end exclusive), `origin` (accepted / edited / manual / imported /
    suggestion), then the article's review (`base.review_record`): `source`
    (whose spans), `reviewed` (`true` only when a person finished the article:
    done, or adjudicated for gold), `status` (the annotator's status or the
    gold's adjudication; empty for suggestions) and `comment` (the annotator's
    flag comment, if any).

    The file is UTF-8 without a BOM, comma-separated, a header first, fields
    quoted when needed and rows ended by CRLF (RFC 4180; Python's `csv` and
    pandas read it as is). Values are written as numbers: `13000`, `7.1`.
    A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
    return (a span's text, a unit, a sentence, a comment) gets a `'` before
    it, so that a spreadsheet shows it instead of running it as a formula
    (OWASP's advice against CSV injection); numbers are never changed.
    """
    nlp = french()
    report = FormatReport(files=[out])
    try:
        with atomic_write(out, "wb") as stream:
            stream.write(_row(COLUMNS))
            for item in sourced_articles(
                store, source, status=status, progress=progress, cancelled=cancelled
            ):
                for row in figure_rows(nlp, item):
                    stream.write(_row(row))
                    report.labels[FIGURE] += 1
                report.articles += 1
            check_cancelled(cancelled)
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def figure_rows(nlp: Language, item: SourcedArticle) -> list[tuple[Any, ...]]:
    text = item.article.text
    figures = [
        (span, origin)
        for span, origin in zip(item.spans, item.origins, strict=True)
        if span.label == FIGURE
    ]
    if not figures:
        return []
    # The tokenizer alone: `make_doc` refuses a text over `nlp.max_length` (E088), a
    # limit for the parser's memory, not the tokenizer's (#13, case 10).
    doc = nlp.tokenizer(text)
    ranges = []
    for span, _ in figures:
        tokens = doc.char_span(span.start, span.end, alignment_mode="expand")
        ranges.append((tokens.start, tokens.end) if tokens is not None else None)
    sentences(nlp, doc, [r for r in ranges if r is not None])
    review = review_record(item)
    reviewed = "true" if review["reviewed"] else "false"
    article = (review["source"], reviewed, review["status"] or "", review.get("comment", ""))
    rows = []
    for (span, origin), token_range in zip(figures, ranges, strict=True):
        # No tokens only for offsets outside the text, which the store refuses.
        sentence = doc[token_range[0]].sent.text.strip() if token_range is not None else ""
        attrs = span.attrs
        rows.append(
            (
                item.article.id,
                text[span.start : span.end],
                _number(attrs.get("value")),
                _number(attrs.get("value_max")),
                attrs.get("qualifier", ""),
                attrs.get("unit", ""),
                sentence,
                span.start,
                span.end,
                origin_name(origin),
                *article,
            )
        )
    return rows


def _number(value: Any) -> Any:
    """13000.0 → 13000, 7.1 → 7.1, None → empty; anything else as it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


# A text cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with `'` (OWASP's advice).

    Only text: a number written as a number (-5, 7.1) stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _row(values: tuple[Any, ...]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([defused(v) for v in values])
    return buffer.getvalue().encode("utf-8")
