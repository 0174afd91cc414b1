"""CoNLL-U (Universal Dependencies), with named entities when the file has them.

Rules:

- Documents: a ``# newdoc`` comment starts one (its ``id`` is kept in meta);
  a file without any is one article. Sentences are blank-line separated.
- Text: each sentence's ``# text =`` line when present, else its surface tokens
  joined by a space unless ``SpaceAfter=No`` is in their MISC column. Sentences
  are joined by ``"\\n"`` (``"\\n\\n"`` before a sentence marked ``# newpar``).
- Surface tokens: a multi-word token (``1-2 du`` over ``1 de`` and ``2 le``) counts
  by its own form and MISC (its ``SpaceAfter``), never by its parts; empty
  nodes (``8.1``) are not part of the text.
- Named entities, read from, in this order: a column named ``NER`` or ``NE`` in
  ``# global.columns`` (CoNLL-U Plus), else the MISC keys ``NER=``, ``NE=`` or
  ``Entity=`` of each word. Values are IOB1, IOB2 or IOBES tags (``B-PER``,
  ``I-LOC``, ``O``), decoded as the conll reader does (its module says how); a
  word without the key is ``O``. The tag of a multi-word token is its own, else
  the first of its parts' tags that is not ``O``; a span covers whole surface
  tokens. Other values (CorefUD's bracketed ``Entity=(e1-...``) are reported
  once a document, as an unknown tag scheme, and read as ``O``.
- Spans: when the document has no such tag at all, ``spans=()`` and
  ``meta["conllu"]["ner"]`` is None (else it names where the tags were read,
  ``"MISC NER"`` or ``"column NER"``, and ``meta["conllu"]["scheme"]`` the
  scheme). With ``# text``, each token is found in the text in order (white
  space skipped); a token that is not there is an `InputError` naming that
  token's line, and its sentence gives no span (its text is still imported).
- Errors name ``file:line``: a token line without the columns, an ID that is no
  number; the line is skipped and the rest read. A document with any problem is
  partly read: an annotated import refuses it whole, a plain one keeps its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
from annotator.core.importers.conll import (
    OUTSIDE,
    Scheme,
    Tag,
    UnknownTags,
    chunks,
    parse_tag,
)
from annotator.core.records import ArticleDraft, Span

# ASCII digits (int() refuses "²", which isdigit() takes), few enough for int().
_ID = re.compile(r"[0-9]{1,9}")
_MISC_KEYS = ("NER", "NE", "Entity")
_COLUMN_KEYS = ("NER", "NE")
_DEFAULT_COLUMNS = (
    "ID",
    "FORM",
    "LEMMA",
    "UPOS",
    "XPOS",
    "FEATS",
    "HEAD",
    "DEPREL",
    "DEPS",
    "MISC",
)


@dataclass
class _Unit:
    """A surface token: a word outside any multi-word token, or a multi-word token."""

    form: str
    space_after: bool
    tag: str | None  # the raw tag, None when the token has none
    where: str
    last: int = 0  # for a multi-word token, the ID of its last word
    parts: list[str] = field(default_factory=list)  # the tags of its words

    @property
    def surface_tag(self) -> str | None:
        if self.tag is not None or not self.parts:
            return self.tag
        return next((t for t in self.parts if t != "O"), self.parts[0])


@dataclass
class _Sentence:
    line: int
    text: str | None = None
    sent_id: str | None = None
    newpar: bool = False
    ner: str | None = None
    units: list[_Unit] = field(default_factory=list)


@dataclass
class _Document:
    source: str
    line: int
    id: str | None = None
    parts: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    chars: int = 0
    sentences: int = 0
    first_sent_id: str | None = None
    ner: str | None = None  # where its tags were read: "MISC NER", "column NER"...
    scheme: Scheme = field(default_factory=Scheme)
    unknown: UnknownTags = field(default_factory=UnknownTags)
    too_large: bool = False
    flaw: str | None = None  # where its first problem is: an annotated import refuses it

    def flawed(self, problem: InputError) -> InputError:
        """`problem`, noted as one of this document's."""
        self.flaw = self.flaw or problem.where
        return problem


@dataclass
class _Columns:
    count: int = 10
    id: int = 0
    form: int = 1
    misc: int | None = 9
    ner: int | None = None
    ner_name: str | None = None


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    source = shown(path)
    columns = _Columns()
    document = _Document(source, 1)
    sentence: _Sentence | None = None
    position = 0
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            position += len(raw)
            where = f"{source}:{number}"
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                problem = InputError(where, f"undecodable bytes: CoNLL-U is UTF-8 ({error.reason})")
                yield document.flawed(problem), position
                continue
            if not line.strip():
                if sentence is not None:
                    for problem in _add(document, sentence, options):
                        yield document.flawed(problem), position
                    sentence = None
                continue
            if line.startswith("#"):
                key, _, value = (part.strip() for part in line[1:].partition("="))
                if key == "global.columns":
                    columns = _global_columns(value.split(), where)
                    if isinstance(columns, InputError):
                        yield document.flawed(columns), position
                        columns = _Columns()
                elif key == "newdoc" or key.startswith("newdoc "):
                    if sentence is not None:
                        for problem in _add(document, sentence, options):
                            yield document.flawed(problem), position
                    for item in _finish(document, options):
                        yield item, position
                    document = _Document(source, number, id=value or None)
                    sentence = _Sentence(number)
                else:
                    sentence = sentence or _Sentence(number)
                    if key == "text":
                        sentence.text = value
                    elif key == "sent_id":
                        sentence.sent_id = value
                    elif key == "newpar" or key.startswith("newpar "):
                        sentence.newpar = True
                continue
            sentence = sentence or _Sentence(number)
            problem = _token(sentence, line.split("\t"), columns, where)
            if problem is not None:
                yield document.flawed(problem), position
    if sentence is not None:
        for problem in _add(document, sentence, options):
            yield document.flawed(problem), position
    for item in _finish(document, options):
        yield item, position


def _global_columns(names: list[str], where: str) -> _Columns | InputError:
    upper = [n.upper() for n in names]
    if "ID" not in upper or "FORM" not in upper:
        return InputError(where, "global.columns names no ID or FORM column; read as CoNLL-U")
    ner = next((upper.index(k) for k in _COLUMN_KEYS if k in upper), None)
    return _Columns(
        count=len(names),
        id=upper.index("ID"),
        form=upper.index("FORM"),
        misc=upper.index("MISC") if "MISC" in upper else None,
        ner=ner,
        ner_name=None if ner is None else names[ner],
    )


def _token(
    sentence: _Sentence, cells: list[str], columns: _Columns, where: str
) -> InputError | None:
    if len(cells) != columns.count:
        return InputError(
            where, f"expected {columns.count} tab-separated columns, found {len(cells)}"
        )
    ident, form = cells[columns.id], cells[columns.form]
    misc = _misc(cells[columns.misc]) if columns.misc is not None else {}
    tag, key = _tag(cells, misc, columns)
    if key is not None:
        sentence.ner = sentence.ner or key
    if "." in ident:
        return None  # an empty node: no surface form
    first, dash, last = ident.partition("-")
    if not _ID.fullmatch(first) or (dash and not _ID.fullmatch(last)):
        return InputError(where, f"not a CoNLL-U token ID: {ident!r}")
    space_after = misc.get("SpaceAfter") != "No"
    if dash:
        sentence.units.append(_Unit(form, space_after, tag, where, last=int(last)))
        return None
    units = sentence.units
    if units and int(first) <= units[-1].last:  # a word of the multi-word token before
        if tag is not None:
            units[-1].parts.append(tag)
        return None
    units.append(_Unit(form, space_after, tag, where))
    return None


def _misc(cell: str) -> dict[str, str]:
    if cell == "_":
        return {}
    pairs = (item.partition("=") for item in cell.split("|"))
    return {key: value for key, _, value in pairs}


def _tag(
    cells: list[str], misc: dict[str, str], columns: _Columns
) -> tuple[str | None, str | None]:
    """A word's raw NER tag, and where it was found."""
    if columns.ner is not None:
        value = cells[columns.ner]
        return (None, None) if value == "_" else (value, f"column {columns.ner_name}")
    key = next((k for k in _MISC_KEYS if k in misc), None)
    return (None, None) if key is None else (misc[key], f"MISC {key}")


def _add(document: _Document, sentence: _Sentence, options: ReadOptions) -> Iterator[InputError]:
    """Add a sentence to its document: its text and spans; yields its problems."""
    if not sentence.units and sentence.text is None:
        return
    if document.sentences == 0:
        document.first_sent_id = sentence.sent_id
    document.sentences += 1
    if document.too_large:
        return
    text = sentence.text if sentence.text is not None else _rebuilt(sentence.units)
    separator = "" if not document.parts else "\n\n" if sentence.newpar else "\n"
    offset = document.chars + len(separator)
    document.chars = offset + len(text)
    if document.chars > options.max_chars:
        document.too_large = True
        document.parts.clear()
        document.spans.clear()
        return
    document.parts.append(separator + text)
    document.ner = document.ner or sentence.ner
    tags: list[Tag] = []
    for unit in sentence.units:
        tag = unit.surface_tag
        parsed = OUTSIDE if tag is None else parse_tag(tag)
        if parsed is None:
            document.unknown.add(unit.where, tag or "")
            parsed = OUTSIDE
        tags.append(parsed)
    document.scheme.see(tags)
    found = chunks(tags)
    if not found:
        return
    bounds = _bounds(text, sentence.units)
    if isinstance(bounds, InputError):
        yield bounds
        return
    for first, last, label in found:
        document.spans.append(Span(offset + bounds[first][0], offset + bounds[last - 1][1], label))


def _rebuilt(units: list[_Unit]) -> str:
    parts = []
    for unit in units:
        parts.append(unit.form)
        if unit.space_after:
            parts.append(" ")
    return "".join(parts).rstrip(" ")


def _bounds(text: str, units: list[_Unit]) -> list[tuple[int, int]] | InputError:
    """Where each surface token is in the sentence's text."""
    bounds = []
    cursor = 0
    for unit in units:
        while cursor < len(text) and text[cursor].isspace():
            cursor += 1
        if not text.startswith(unit.form, cursor):
            return InputError(
                unit.where,
                f"token {unit.form!r} is not in the sentence's # text at character {cursor} "
                f"({text[cursor : cursor + 20]!r}); this sentence's entities are not read",
            )
        bounds.append((cursor, cursor + len(unit.form)))
        cursor += len(unit.form)
    return bounds


def _finish(document: _Document, options: ReadOptions) -> Iterator[InputError | ArticleDraft]:
    unknown = document.unknown.problem()
    if unknown is not None:
        yield document.flawed(unknown)
    if document.too_large:
        yield too_large(f"{document.source}:{document.line}", document.chars, options)
        return
    if not document.sentences:
        return
    meta: dict[str, Any] = {
        "conllu": {
            "doc_id": document.id,
            "line": document.line,
            "sentences": document.sentences,
            "first_sent_id": document.first_sent_id,
            "ner": document.ner,
            "scheme": document.scheme.name if document.ner else None,
        }
    }
    text = "".join(document.parts)
    control = text_problem(text, f"{document.source}:{document.line}")
    if control is not None:
        yield control
        return
    # No NER column: a plain article, not an annotated one (nothing to mark done).
    spans = tuple(document.spans) if document.ner else None
    yield ArticleDraft(text, None, document.source, meta, spans, document.flaw)


FORMAT = Format(
    "conllu",
    (".conllu",),
    read,
    "CoNLL-U (Universal Dependencies); named entities from NER=/NE=/Entity= in MISC",
)
