"""Annotations of a bulk import as rows, with their event log entries built as text,
and the checks of their spans against the stored text.

`Annotations.import_many` stores 300k spans for 10k articles; this keeps the
per-span work to a tuple and a bit of JSON text.
"""

from __future__ import annotations

import functools
import itertools
import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from annotator.core.errors import InvalidSpan
from annotator.core.records import Origin, Span, SpanTuple, label_problem

# One encoder for bulk writes: json.dumps with options builds a new one a call.
ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


class ImportedRows:
    """Rows of imported annotations, numbered on from the last id, and their log entries.

    300k spans in an import: a row is a tuple of what differs from row to row
    (the columns all share are bound once a statement), and the log entry is
    built as JSON text along with it, not encoded again from objects.
    """

    def __init__(self, annotator_id: int, stamp: str, last_id: int) -> None:
        self.annotator_id = annotator_id
        self.stamp = stamp
        self.last_id = last_id
        self.rows: list[tuple[int, str, int, int, str, str]] = []
        self._labels: dict[str, str] = {}  # label -> as JSON

    def add(self, article_id: str, spans: Sequence[SpanTuple]) -> str:
        """Add an article's spans; returns them as logged: [id, start, end, label, attrs] lists."""
        rows, labels = self.rows, self._labels
        next_id = self.last_id
        logged = []
        for start, end, label, attrs in spans:
            next_id += 1
            stored = stored_attrs(attrs)
            quoted = labels.get(label) or labels.setdefault(label, ENCODER.encode(label))
            rows.append((next_id, article_id, start, end, label, stored))
            logged.append(f"[{next_id}, {start}, {end}, {quoted}, {stored}]")
        self.last_id = next_id
        return "[" + ", ".join(logged) + "]"

    def insert(self, conn: sqlite3.Connection) -> None:
        shared = [self.annotator_id, Origin.IMPORTED.value, self.stamp]
        for i in range(0, len(self.rows), _ROWS_A_STATEMENT):
            chunk = self.rows[i : i + _ROWS_A_STATEMENT]
            conn.execute(_import_sql(len(chunk)), [*shared, *itertools.chain.from_iterable(chunk)])


# Imported rows a statement: ?1-?3 the shared columns, then six parameters a row, within
# the 999 parameters an SQLite statement could take before 3.32.
_ROWS_A_STATEMENT = (999 - 3) // 6


@functools.cache
def _import_sql(rows: int) -> str:
    values = ", ".join(
        f"(?{k}, ?{k + 1}, ?{k + 2}, ?{k + 3}, ?{k + 4}, ?{k + 5}, ?1, ?2, ?3, ?3)"
        for k in range(4, 4 + 6 * rows, 6)
    )
    return (
        'INSERT INTO annotations (id, article_id, start, "end", label, attrs, annotator_id,'
        f" origin, created_at, updated_at) VALUES {values}"
    )


def stored_attrs(attrs: dict[str, Any]) -> str:
    """Attributes as stored; most spans have none (bulk imports: no encoding for them)."""
    return ENCODER.encode(attrs) if attrs else "{}"


def _check_span(article_id: str, text: str, span: Span) -> None:
    if not (0 <= span.start < span.end <= len(text)):
        raise InvalidSpan(
            f"article {article_id}: span {span.start}-{span.end} is outside the text"
            f" (0-{len(text)})"
        )
    covered = text[span.start : span.end]
    if covered != covered.strip():
        raise InvalidSpan(
            f"article {article_id}: span {span.start}-{span.end} starts or ends with white space"
        )
    problem = label_problem(span.label)
    if problem is not None:
        raise InvalidSpan(f"article {article_id}: {problem}")


def span_rows(spans: Sequence[Span] | Sequence[SpanTuple]) -> list[SpanTuple]:
    """Spans as `SpanTuple` tuples."""
    return [
        span if isinstance(span, tuple) else (span.start, span.end, span.label, span.attrs)
        for span in spans
    ]


def check_spans(article_id: str, text: str, spans: Sequence[SpanTuple]) -> None:
    """`_check_span` of each span, with the common case tested inline (bulk imports);
    no span twice."""
    length = len(text)
    for start, end, label, attrs in spans:
        if (
            not 0 <= start < end <= length
            or text[start].isspace()
            or text[end - 1].isspace()
            or label_problem(label) is not None
        ):
            _check_span(article_id, text, Span(start, end, label, attrs))
    # One span a (start, end, label) for an annotator: the importer gives each once.
    if len({(start, end, label) for start, end, label, _ in spans}) < len(spans):
        raise InvalidSpan(f"article {article_id}: the same span is given twice")
