"""Plain text: one file, one article; the first line is the title if it looks like one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.decoding import decode
from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    shown,
    text_problem,
    too_large,
)
from annotator.core.records import ArticleDraft


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    where = shown(path)
    size = path.stat().st_size
    # UTF-8 takes at most 4 bytes a character: refuse before reading it all.
    if size > 4 * options.max_chars:
        yield too_large(where, size, options), size
        return
    try:
        text, encoding = decode(path.read_bytes(), where)
    except InputError as error:
        yield error, size
        return
    if len(text) > options.max_chars:
        yield too_large(where, len(text), options), size
        return
    control = text_problem(text, where)
    if control is not None:
        yield control, size
        return
    meta = {"file": shown(path.name)}
    if encoding not in ("utf-8", "utf-8-sig"):
        meta["encoding"] = encoding
    yield ArticleDraft(text=text, title=None, source=where, meta=meta), size


FORMAT = Format("txt", (".txt", ".text"), read, "plain text, one article a file")
