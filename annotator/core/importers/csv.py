"""CSV: one article a row; a `text` column, the other columns kept as metadata.

The delimiter (comma, semicolon as French spreadsheets write, or tab) and the
encoding (UTF-8, else CP1252) are detected from the start of the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from annotator.core.decoding import decode
from annotator.core.errors import InputError
from annotator.core.importers.base import Format, Read, ReadOptions, too_large
from annotator.core.records import ArticleDraft

_SAMPLE = 64 * 1024


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    where = str(path)
    with path.open("rb") as binary:
        head = binary.read(_SAMPLE)
        try:
            _, encoding = decode(_whole_lines(head), where)
        except InputError as error:
            yield error, path.stat().st_size
            return
        binary.seek(0)
        stream = io.TextIOWrapper(binary, encoding=encoding, newline="")
        dialect = _dialect(head.decode(encoding, errors="replace"))
        csv.field_size_limit(4 * options.max_chars)
        rows = csv.DictReader(stream, dialect=dialect)
        try:
            columns = rows.fieldnames or []
        except csv.Error as error:
            yield InputError(f"{where}:1", f"invalid CSV: {error}"), path.stat().st_size
            return
        if "text" not in columns:
            found = ", ".join(c for c in columns if c) or "none"
            yield (
                InputError(where, f'no "text" column (columns found: {found})'),
                path.stat().st_size,
            )
            return
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as error:
                yield InputError(f"{where}:{rows.line_num}", f"invalid CSV: {error}"), binary.tell()
                return
            yield _article(row, f"{where}:{rows.line_num}", where, options), binary.tell()


def _article(row: dict, where: str, source: str, options: ReadOptions) -> ArticleDraft | InputError:
    text = row.get("text") or ""
    if len(text) > options.max_chars:
        return too_large(where, len(text), options)
    title = (row.get("title") or "").strip() or None
    meta = {k: v for k, v in row.items() if k not in ("text", "title") and k is not None}
    if None in row:  # more cells than header columns
        meta["extra_cells"] = row[None]
    return ArticleDraft(text=text, title=title, source=source, meta=meta)


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _whole_lines(head: bytes) -> bytes:
    """Cut a sample at its last line end, so no UTF-8 character is split."""
    cut = head.rfind(b"\n")
    return head if cut < 0 or len(head) < _SAMPLE else head[: cut + 1]


FORMAT = Format("csv", (".csv", ".tsv"), read, 'CSV with a "text" column')
