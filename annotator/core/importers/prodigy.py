"""Prodigy JSON Lines (``db-out`` exports): ``text``, ``spans``, ``answer``...

Rules:

- Each line is a task: ``text`` is the article's text; each of ``spans`` gives a
  span from its ``start``/``end`` character offsets (end exclusive) and its
  ``label`` as it is. A span with no character offsets but ``token_start`` and
  ``token_end`` (inclusive, as Prodigy writes it) takes them from ``tokens``.
  A span's ``text``, when present, must be what its offsets select.
- ``answer``: ``accept`` (or none, or any other value) imports the spans. ``reject`` and ``ignore``
  import the article without spans (``spans`` is None, as for a plain text:
  nobody vouched for them, and a rejected span in a binary recipe is a known
  wrong one); the task's spans are then kept as they are in
  ``meta["prodigy"]["spans"]``. A task with no ``spans`` key has spans None.
- Kept in ``meta["prodigy"]``: ``answer``, ``_input_hash``, ``_task_hash``,
  ``_view_id``, ``_session_id``, ``_annotator_id``, ``_timestamp`` (those
  present); the task's ``meta`` object in ``meta["prodigy"]["meta"]``. Other
  keys (not ``tokens``, which the text gives again) are kept at the top of meta.
- A file may also be one pretty-printed JSON document or a JSON list of tasks
  (see `jsonl_spans.json_records`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    record_meta,
    record_text,
    shown,
)
from annotator.core.importers.jsonl_spans import checked_span, json_records
from annotator.core.records import ArticleDraft, Span

_KEPT = (
    "answer",
    "_input_hash",
    "_task_hash",
    "_view_id",
    "_session_id",
    "_annotator_id",
    "_timestamp",
)
_DROPPED = frozenset(("text", "spans", "tokens", "meta", *_KEPT))


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    for record, where, position in json_records(path, options):
        if isinstance(record, InputError):
            yield record, position
            continue
        yield from ((item, position) for item in _task(record, where, shown(path), options))


def _task(
    record: Any, where: str, source: str, options: ReadOptions
) -> Iterator[ArticleDraft | InputError]:
    text = record_text(record, where, options, "task")
    if isinstance(text, InputError):
        yield text
        return
    prodigy: dict[str, Any] = {k: record[k] for k in _KEPT if k in record}
    task_meta = record_meta(record, where, "task")
    if isinstance(task_meta, InputError):
        yield task_meta
        return
    if isinstance(record.get("meta"), dict):
        prodigy["meta"] = task_meta
    meta: dict[str, Any] = {k: v for k, v in record.items() if k not in _DROPPED}
    meta["prodigy"] = prodigy
    items = record.get("spans")
    spans: tuple[Span, ...] | None = None
    if items is not None and not isinstance(items, list):
        yield InputError(where, f'"spans" must be a list, found {type(items).__name__}')
    elif items is not None and record.get("answer") in ("reject", "ignore"):
        prodigy["spans"] = items
    elif items is not None:
        good = []
        for item in items:
            span = _span(text, item, record.get("tokens"), where)
            if isinstance(span, InputError):
                yield span
            else:
                good.append(span)
        spans = tuple(good)
    yield ArticleDraft(text, None, source, meta, spans, where=where)


def _span(text: str, item: Any, tokens: Any, where: str) -> Span | InputError:
    if not isinstance(item, dict):
        return InputError(where, f"a span must be an object, found {item!r}")
    start, end = item.get("start"), item.get("end")
    if start is None and end is None and isinstance(tokens, list):
        first, last = item.get("token_start"), item.get("token_end")
        try:
            if first < 0 or last < 0:
                raise IndexError(first)
            start, end = tokens[first]["start"], tokens[last]["end"]
        except (TypeError, IndexError, KeyError):
            return InputError(
                where, f"span token_start {first!r} / token_end {last!r} is not a token"
            )
    expected = item.get("text")
    return checked_span(
        text,
        start,
        end,
        item.get("label"),
        where,
        expected=expected if isinstance(expected, str) else None,
    )


FORMAT = Format("prodigy", (".jsonl",), read, "Prodigy JSON Lines export with spans")
