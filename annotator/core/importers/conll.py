"""CoNLL-2003 style NER: a token a line, its NER tag in the last column.

Rules:

- Columns are split on tabs when the line has one, else on runs of spaces; the
  first column is the token, the last its tag. A blank line ends a sentence; a
  ``-DOCSTART-`` line starts a document. One article per document, or one per
  file when it has no ``-DOCSTART-``. Lines starting with ``#`` whose last
  column is not a tag are comments (``# id ...`` in some corpora) and skipped.
- Text: the tokens of a sentence joined by one space, sentences joined by
  ``"\\n"``. Span offsets are into that text.
- Tags: ``O``, or a prefix ``B``, ``I``, ``E``, ``S`` (and ``L``, ``U``) then ``-``
  (or ``_``) then the label, kept as it is (``B-PER`` gives ``PER``). One
  decoding reads IOB1, IOB2 and IOBES alike: B/S/U start a chunk; I/E/L
  continue the open chunk of the same label, else start one; E/S/L/U close it;
  a sentence end closes it too. The scheme is detected per document and
  written in ``meta["conll"]["scheme"]``: ``IOB1`` when I- starts a chunk and B-
  is only seen right after a chunk of its label, ``IOB2`` when B- starts chunks
  and I- never does, ``IOBES`` when E-/S-/L-/U- are seen, ``mixed IOB1/IOB2``
  when both kinds of evidence are (read with the same decoding), ``none`` when
  the document has no entity. Any other tag is an `InputError` (first line and
  count, once a document) and its tokens are read as ``O``; an annotated import
  then refuses the document whole (nothing of it stored), a plain one keeps its text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    shown,
    text_problem,
    too_large,
)
from annotator.core.records import ArticleDraft, Span

Tag = tuple[str, str]  # (prefix, label); ("O", "") outside
OUTSIDE: Tag = ("O", "")
_STARTS = frozenset("BSU")
_ENDS = frozenset("ESLU")


def parse_tag(tag: str) -> Tag | None:
    """``("B", "PER")`` for ``B-PER``, `OUTSIDE` for ``O``, None for anything else."""
    if tag == "O":
        return OUTSIDE
    if len(tag) > 2 and tag[0] in "BIESLU" and tag[1] in "-_":
        return tag[0], tag[2:]
    return None


def chunks(tags: Sequence[Tag]) -> list[tuple[int, int, str]]:
    """The chunks of one sentence: ``(first token, last token + 1, label)``."""
    found: list[tuple[int, int, str]] = []
    start, label, open_ = 0, "", False
    for index, (prefix, tag_label) in enumerate(tags):
        if prefix == "O":
            if open_:
                found.append((start, index, label))
            open_ = False
            continue
        if prefix in _STARTS or not open_ or tag_label != label:
            if open_:
                found.append((start, index, label))
            start, label, open_ = index, tag_label, True
        if prefix in _ENDS:
            found.append((start, index + 1, label))
            open_ = False
    if open_:
        found.append((start, len(tags), label))
    return found


@dataclass
class Scheme:
    """Evidence of the tagging scheme, gathered sentence by sentence."""

    iob1: bool = False  # I- starts a chunk
    iob2: bool = False  # B- starts a chunk after O, another label or the sentence start
    iobes: bool = False
    entities: bool = False

    def see(self, tags: Sequence[Tag]) -> None:
        previous = OUTSIDE
        for prefix, label in tags:
            if prefix != "O":
                self.entities = True
            if prefix in _ENDS:
                self.iobes = True
            follows = previous != OUTSIDE and previous[1] == label and previous[0] not in _ENDS
            if prefix == "I" and not follows:
                self.iob1 = True
            elif prefix == "B" and not follows:
                self.iob2 = True
            previous = (prefix, label)

    @property
    def name(self) -> str:
        if not self.entities:
            return "none"
        if self.iobes:
            return "IOBES"
        if self.iob1 and self.iob2:
            return "mixed IOB1/IOB2"
        return "IOB1" if self.iob1 else "IOB2"


@dataclass
class UnknownTags:
    """Tags that are no tag, reported once a document: the first, with a count."""

    first: tuple[str, str] | None = None  # (where, tag)
    count: int = 0

    def add(self, where: str, tag: str) -> None:
        self.count += 1
        if self.first is None:
            self.first = (where, tag)

    def problem(self) -> InputError | None:
        if self.first is None:
            return None
        where, tag = self.first
        more = f" (and {self.count - 1} more in this document)" if self.count > 1 else ""
        if not tag:
            return InputError(where, f"no tag column{more}; read as O")
        return InputError(
            where,
            f"unknown tag scheme: {tag!r} is neither O nor B-/I-/E-/S-LABEL{more}; read as O",
        )


@dataclass
class _Document:
    source: str
    line: int
    number: int
    tokens: list[str] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    sentences: list[tuple[list[str], list[Tag]]] = field(default_factory=list)
    chars: int = 0
    too_large: bool = False
    unknown: UnknownTags = field(default_factory=UnknownTags)
    missing: UnknownTags = field(default_factory=UnknownTags)  # lines without a tag column
    problems: list[InputError] = field(default_factory=list)

    def add(self, token: str, tag: str, where: str, options: ReadOptions) -> None:
        parsed = parse_tag(tag)
        if parsed is None:
            (self.unknown if tag else self.missing).add(where, tag)
            parsed = OUTSIDE
        self.chars += len(token) + 1
        if self.chars > options.max_chars:
            self.too_large = True
        if not self.too_large:
            self.tokens.append(token)
            self.tags.append(parsed)

    def end_sentence(self) -> None:
        if self.tokens:
            self.sentences.append((self.tokens, self.tags))
            self.tokens, self.tags = [], []

    def finish(self, options: ReadOptions) -> Iterator[InputError | ArticleDraft]:
        self.end_sentence()
        tags = (t.problem() for t in (self.missing, self.unknown))
        problems = [*self.problems, *(p for p in tags if p is not None)]
        yield from problems
        where = f"{self.source}:{self.line}"
        if self.too_large:
            yield too_large(where, self.chars, options)
            return
        if not self.sentences:
            return
        # Checked token by token: the text is made of them.
        bad = next((t for s, _ in self.sentences for t in s if text_problem(t, where)), None)
        if bad is not None:
            message = f"control character in token {bad!r}: not text; document not stored"
            yield InputError(where, message)
            return
        scheme = Scheme()
        lines: list[str] = []
        spans: list[Span] = []
        offset = 0
        for tokens, tags in self.sentences:
            scheme.see(tags)
            starts = list(itertools.accumulate((len(t) + 1 for t in tokens[:-1]), initial=offset))
            for first, last, label in chunks(tags):
                end = starts[last - 1] + len(tokens[last - 1])
                spans.append(Span(starts[first], end, label))
            line = " ".join(tokens)
            lines.append(line)
            offset += len(line) + 1
        meta: dict[str, Any] = {
            "conll": {
                "document": self.number,
                "line": self.line,
                "sentences": len(self.sentences),
                "tokens": sum(len(t) for t, _ in self.sentences),
                "scheme": scheme.name,
            }
        }
        # A document partly read (a tag read as O, a line skipped) is named by its first
        # problem's line: an annotated import refuses it whole (importing_batch).
        flawed = problems[0].where if problems else None
        yield ArticleDraft("\n".join(lines), None, self.source, meta, tuple(spans), flawed)


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    source = shown(path)
    number = 1
    document = _Document(source, 1, number)
    position = 0
    with path.open("rb") as stream:
        for line_number, raw in enumerate(stream, start=1):
            position += len(raw)
            where = f"{source}:{line_number}"
            if line_number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                document.problems.append(
                    InputError(
                        where, f"undecodable bytes: not UTF-8 ({error.reason}); line skipped"
                    )
                )
                continue
            if not line.strip():
                document.end_sentence()
                continue
            columns = line.split("\t") if "\t" in line else line.split()
            if columns[0] == "-DOCSTART-":
                for item in document.finish(options):
                    yield item, position
                if document.sentences or document.too_large:
                    number += 1
                document = _Document(source, line_number, number)
                continue
            if line.startswith("#") and (len(columns) < 2 or parse_tag(columns[-1]) is None):
                continue  # a comment
            document.add(columns[0], columns[-1] if len(columns) > 1 else "", where, options)
    for item in document.finish(options):
        yield item, position


FORMAT = Format(
    "conll",
    (".conll", ".iob", ".bio"),
    read,
    "CoNLL-2003 NER: a token a line, the IOB tag last, -DOCSTART- between documents",
)
