"""Drafts made ready to store: text cleaned, id given, spans checked, signature made.

`prepare` does it to one draft read; `prepare_piece` reads a piece of a file of
one article a line (`pieces` cuts the file into them) and prepares its articles
with their signatures, as the importer's worker processes do while it stores
what they made (`annotator.core.importing`). What crosses from a worker is
plain tuples: a `Span` record or an `InputError` a span or a line would cost
more to pickle, or could not be unpickled.

This module imports neither the store nor datasketch, so that a worker process
starts in a fraction of a second; `start_worker` sets one up.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from annotator.core import figure_attrs
from annotator.core import text as texts
from annotator.core.errors import InputError, InvalidSpan
from annotator.core.importers import FORMATS
from annotator.core.importers.base import ReadOptions
from annotator.core.neardup import signatures
from annotator.core.records import ArticleDraft, Span, SpanTuple, label_problem


class Problem(NamedTuple):
    """An `InputError` as plain data (an InputError does not unpickle)."""

    where: str
    message: str

    @classmethod
    def of(cls, error: InputError) -> Problem:
        return cls(error.where, error.message)

    def error(self) -> InputError:
        return InputError(self.where, self.message)


class Prepared(NamedTuple):
    """An article read, cleaned and given its id, its spans checked: what storing it needs."""

    article_id: str
    text: str
    words: int
    title: str | None
    source: str
    meta: dict[str, Any]
    spans: list[SpanTuple] | None  # None: none read, or none wanted
    ignored: int  # spans read but not wanted (no annotator, not as suggestions)
    problems: list[Problem]  # spans refused, in reading order
    signature: bytes | None = None  # MinHash signature, when made with the article
    where: str = ""  # file and line, for errors


def prepare(draft: ArticleDraft, spans_wanted: bool) -> Prepared | Problem:
    """Clean a draft's text and spans, give it its id, check its spans against the clean text.

    An annotated article is stored whole or not at all: when any of its
    spans is refused, the article is, every refused span named.
    """
    where = draft.where or draft.source
    refused: list[str] = []
    if draft.spans is None:
        text, spans = texts.clean_text(draft.text), None
    else:
        split = texts.splitting_normalisation(draft.text, draft.spans) if spans_wanted else []
        refused += [
            f"span {s.start}-{s.end} {s.label} cuts a character in two (a letter and its accent)"
            for s in split
        ]
        kept = [s for s in draft.spans if s not in split] if split else draft.spans
        text, spans = texts.clean_text_and_spans(draft.text, kept)
    if not text.strip():
        return Problem(where, "empty article: no text")
    article_id, words = texts.article_id_and_words(text)
    checked, ignored, problems = None, 0, []
    if spans is not None:
        if spans_wanted:
            checked, bad, problems = _valid(text, spans, where)
            refused += bad
        else:
            ignored = len(spans)
    if refused:
        return Problem(where, "; ".join(refused) + "; article not stored")
    title = draft.title or texts.guess_title(text)
    return Prepared(
        article_id,
        text,
        words,
        title,
        draft.source,
        draft.meta,
        checked,
        ignored,
        problems,
        where=where,
    )


def _valid(
    text: str, spans: Sequence[Span], where: str
) -> tuple[list[SpanTuple], list[str], list[Problem]]:
    """Spans inside the text, without white space at their edges, each once;
    a FIGURE's attributes as `figure_attrs.check` takes them.

    Returns them, why others are refused (the article with them), and the
    repeated ones, stored once and reported.
    """
    good: list[SpanTuple] = []
    refused: list[str] = []
    repeated: list[Problem] = []
    seen: set[tuple[int, int, str]] = set()
    length = len(text)
    for span in spans:
        start, end = span.start, span.end
        if not (0 <= start < end <= length):
            refused.append(f"span {span.start}-{span.end} {span.label} is outside the text")
            continue
        problem = label_problem(span.label)
        if problem is not None:
            refused.append(f"span {start}-{end}: {problem}")
            continue
        if span.label == figure_attrs.FIGURE and span.attrs:
            try:  # the one rule of the window and merge (typed attributes)
                figure_attrs.check(span.label, span.attrs)
            except InvalidSpan as error:
                refused.append(f"span {start}-{end} FIGURE: {error}")
                continue
        if text[start].isspace() or text[end - 1].isspace():
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start == end:
                refused.append(f"span {span.start}-{span.end} {span.label} covers only white space")
                continue
        if (start, end, span.label) in seen:
            message = f"span {start}-{end} {span.label} given twice: stored once"
            repeated.append(Problem(where, message))
            continue
        seen.add((start, end, span.label))
        # Interned: a worker's pickle then holds each label once, not once a span.
        good.append((start, end, sys.intern(span.label), span.attrs))
    return good, refused, repeated


class Piece(NamedTuple):
    """Whole lines of a file: `length` bytes from `offset`, the first of them line `line`."""

    path: Path
    format: str  # the name of a format with a `parse_line`
    offset: int
    length: int
    line: int


def pieces(path: Path, fmt: str, size: int) -> Iterator[Piece]:
    """The file in pieces of about `size` bytes, each cut after a line end."""
    with path.open("rb") as stream:
        offset, line, held = 0, 1, b""
        while True:
            block = stream.read(size)
            data = held + block if held else block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            if cut:  # none: a line longer than `size`, read on
                yield Piece(path, fmt, offset, cut, line)
                line += data.count(b"\n", 0, cut)
                offset += cut
            held = data[cut:]
            if not block:
                return


def prepare_piece(
    piece: Piece, options: ReadOptions, spans_wanted: bool
) -> list[tuple[Prepared | Problem, int]]:
    """The articles of a piece prepared and signed, each with the bytes of the file read."""
    # What a piece makes (records, tuples, strings) holds no reference cycles: the
    # garbage collector's passes over it took a tenth of the time, and found nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _prepare_piece(piece, options, spans_wanted)
    finally:
        if was_enabled:
            gc.enable()


def _prepare_piece(
    piece: Piece, options: ReadOptions, spans_wanted: bool
) -> list[tuple[Prepared | Problem, int]]:
    parse = FORMATS[piece.format].parse_line
    assert parse is not None
    with piece.path.open("rb") as stream:
        stream.seek(piece.offset)
        data = stream.read(piece.length)
    made: list[tuple[Prepared | Problem, int]] = []
    position = piece.offset
    # Lines as iterating over the file gives them: cut after each b"\n", no other.
    for number, raw in enumerate(io.BytesIO(data), start=piece.line):
        position += len(raw)
        item = parse(raw, number, piece.path, options)
        if isinstance(item, InputError):
            made.append((Problem.of(item), position))
        elif item is not None:
            made.append((prepare(item, spans_wanted), position))
    # Signatures made together: numpy does a few dozen texts at a time (see `sketches`).
    signed = iter(signatures([item.text for item, _ in made if isinstance(item, Prepared)]))
    return [
        (item._replace(signature=next(signed)) if isinstance(item, Prepared) else item, position)
        for item, position in made
    ]


def start_worker() -> None:
    """In a worker process as it starts: Ctrl+C is for the importing process alone.

    The terminal sends it to every process of the command; the importing one
    turns the first into a clean stop after the batch in hand, and stops its
    workers. A worker interrupted in the middle of a piece would instead hand
    it a KeyboardInterrupt as the piece's result. So that a worker does not
    outlive an importing process that could not stop it (killed, or stopped by
    a Ctrl+C as it exited), it exits with it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process has ended
    os._exit(1)


def ready() -> None:
    """A first job for a worker process: done once it has started (imported this module)."""
