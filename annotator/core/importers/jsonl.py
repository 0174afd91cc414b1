"""JSON Lines: one article a line, `{"text": ..., "id"?, "title"?, "meta"?, "spans"?, ...}`.

With `spans` (`[{"start", "end", "label", "attrs"?}]`, the form `annotator
export --format jsonl` writes) the line is an annotated article.

Keys other than text, title and meta are kept in the metadata, the line's own
`id` included (the store's id is derived from the text). A `meta` that is not a
JSON object (nor null) refuses the record, named: nothing is dropped in silence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    load_json,
    record_meta,
    record_text,
    shown,
    too_large,
)
from annotator.core.importers.jsonl_spans import spans_from_record
from annotator.core.records import ArticleDraft


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    position = 0
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            position += len(raw)
            item = parse_line(raw, number, path, options)
            if item is not None:
                yield item, position


def parse_line(
    raw: bytes, number: int, path: Path, options: ReadOptions
) -> ArticleDraft | InputError | None:
    """The article of line `number` (its bytes `raw`), why there is none, or None if blank."""
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw or raw.isspace():  # not strip(): it copies every line
        return None
    where = f"{shown(path)}:{number}"
    if len(raw) > 4 * options.max_chars:
        return too_large(where, len(raw), options)
    return _parse(raw, where, shown(path), options)


def _parse(raw: bytes, where: str, source: str, options: ReadOptions) -> ArticleDraft | InputError:
    record = load_json(raw, where, "JSON Lines")
    if isinstance(record, InputError):
        return record
    text = record_text(record, where, options, raw=raw)
    if isinstance(text, InputError):
        return text
    try:
        spans = spans_from_record(record, where)  # our own export form, if it has spans
    except InputError as error:
        return error
    title = record.get("title")
    meta = record_meta(record, where)
    if isinstance(meta, InputError):
        return meta
    meta.update({k: v for k, v in record.items() if k not in ("text", "title", "meta", "spans")})
    return ArticleDraft(
        text=text,
        title=title if isinstance(title, str) else None,
        source=source,
        meta=meta,
        spans=spans,
        where=where,
    )


FORMAT = Format(
    "jsonl", (".jsonl", ".ndjson"), read, 'JSON Lines with a "text" key', parse_line=parse_line
)
