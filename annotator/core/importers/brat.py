"""brat standoff: a `.ann` file of annotations beside the `.txt` it annotates.

Either file may be named; the other is the file beside it with the same name
and the other ending. One pair is one article.

Rules:

- The `.txt` is decoded as UTF-8 with no newline translation: brat offsets
  count every character, the ``\\r`` of CRLF line ends included (a BOM, which
  brat keeps, counts as one character too). The article text is that text,
  exactly.
- Each text-bound annotation ``T1<TAB>LABEL START END<TAB>text`` becomes a span
  with its label as it is (``Person``, ``GPE``...: no mapping).
- Discontinuous annotations ``LABEL S1 E1;S2 E2``: the fragments are sorted; if
  only white space lies between one fragment and the next, they become one
  span from the first start to the last end ("merged"), else one span per
  fragment with the same label ("split"). Each is listed in
  ``meta["brat"]["discontinuous"]`` with its fragments and the rule applied.
- The quoted text is checked: brat writes the text of the fragments joined by
  one space, and a span whose offsets select something else is not imported
  but reported as an `InputError` naming ``file.ann:line``. A difference inside
  a run of white space (a line break quoted as a space) is accepted; white
  space at one end only (a shifted offset) is not.
- One allowance for files whose line ends changed after annotating: when
  some quoted text does not match the text as read but every one matches it
  with CRLF read as LF, that LF text is the article's text and
  ``meta["brat"]["line_ends"]`` says so.
- Every other line is kept as it is, by kind, in ``meta["brat"]``:
  ``relations`` (R), ``events`` (E), ``attributes`` (A and M),
  ``normalizations`` (N), ``notes`` (#) and ``equivalences`` (*), with
  ``counts`` of each kind and of ``entities``; ``ids`` maps each T id to
  ``[start, end, label]`` (before merging or splitting) so they can be followed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    printable,
    shown,
    text_problem,
    too_large,
)
from annotator.core.importers.jsonl_spans import checked_span
from annotator.core.records import ArticleDraft, Span

_WHITE = re.compile(r"\s+")
# ASCII digits only (int() refuses "²", which isdigit() takes), and few enough of them
# for int() and SQLite: a longer offset is outside any text anyway.
_OFFSET = re.compile(r"[0-9]+")
_OFFSET_DIGITS = 18
_KINDS = {
    "R": "relations",
    "E": "events",
    "A": "attributes",
    "M": "attributes",
    "N": "normalizations",
    "#": "notes",
    "*": "equivalences",
}


@dataclass(frozen=True, slots=True)
class _TextBound:
    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]
    quoted: str | None
    where: str


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    size = path.stat().st_size
    if path.suffix.lower() == ".txt":
        txt, ann = path, path.with_suffix(".ann")
        if not ann.is_file():
            missing = f"no brat annotation file {shown(ann.name)} beside it"
            yield InputError(shown(path), missing), size
            return
    else:
        txt, ann = path.with_suffix(".txt"), path
        if not txt.is_file():
            yield InputError(shown(path), f"no text file {shown(txt.name)} beside it"), size
            return
    text = yield from _text(txt, options, size)
    if text is None:
        return
    entities: list[_TextBound] = []
    kept: dict[str, list[str]] = {}
    with ann.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            where = f"{shown(ann)}:{number}"
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as error:
                yield InputError(where, f"undecodable bytes: brat files are UTF-8 ({error})"), size
                continue
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line.strip():
                continue
            kind = line[0]
            if kind == "T":
                parsed = _text_bound(line, where)
                if isinstance(parsed, InputError):
                    yield parsed, size
                else:
                    entities.append(parsed)
            elif kind in _KINDS:
                kept.setdefault(_KINDS[kind], []).append(line)
            else:
                yield InputError(where, f"not a brat annotation line: {line[:40]!r}"), size
    text, line_ends = _line_ends(text, entities)
    spans, discontinuous = [], []
    for entity in entities:
        made = _spans(text, entity)
        if isinstance(made, InputError):
            yield made, size
            continue
        spans.extend(made)
        if len(entity.fragments) > 1:
            rule = "merged" if len(made) == 1 else "split"
            fragments = [list(f) for f in entity.fragments]
            discontinuous.append({"id": entity.id, "fragments": fragments, "rule": rule})
    brat: dict[str, Any] = dict(kept)
    brat["counts"] = {"entities": len(entities)} | {k: len(v) for k, v in kept.items()}
    if discontinuous:
        brat["discontinuous"] = discontinuous
    if line_ends:
        brat["line_ends"] = line_ends
    if kept:
        brat["ids"] = {e.id: [e.fragments[0][0], e.fragments[-1][1], e.label] for e in entities}
    meta = {"file": shown(txt.name), "brat": brat}
    yield ArticleDraft(text, None, shown(path), meta, tuple(spans)), size


def _text(txt: Path, options: ReadOptions, size: int) -> Generator[Read, None, str | None]:
    """The text file decoded as it is (a generator so that its errors are yielded)."""
    where = shown(txt)
    if txt.stat().st_size > 4 * options.max_chars:
        yield too_large(where, txt.stat().st_size, options), size
        return None
    data = txt.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        yield InputError(f"{where}:{line}", "undecodable bytes: brat texts are UTF-8"), size
        return None
    if len(text) > options.max_chars:
        yield too_large(where, len(text), options), size
        return None
    control = text_problem(text, where)
    if control is not None:
        yield control, size
        return None
    return text


def _text_bound(line: str, where: str) -> _TextBound | InputError:
    """``T1<TAB>LABEL 0 5;7 9<TAB>text``; the text column may be missing."""
    columns = line.split("\t", 2)
    if len(columns) < 2:
        return InputError(where, f"malformed text-bound annotation: {line[:60]!r}")
    label, _, offsets = columns[1].partition(" ")
    fragments = []
    for fragment in offsets.split(";"):
        bounds = fragment.split()
        if len(bounds) != 2 or not all(_OFFSET.fullmatch(b) for b in bounds):
            return InputError(
                where,
                f"malformed offsets {offsets[:60]!r} (expected 'START END' or 'S1 E1;S2 E2')",
            )
        if any(len(b) > _OFFSET_DIGITS for b in bounds):
            return InputError(where, f"offset of {max(map(len, bounds))} digits: outside any text")
        fragments.append((int(bounds[0]), int(bounds[1])))
    if not label:
        return InputError(where, f"text-bound annotation {columns[0]} has no label")
    quoted = columns[2] if len(columns) == 3 else None
    return _TextBound(columns[0], label, tuple(sorted(fragments)), quoted, where)


def _selected(text: str, entity: _TextBound) -> str:
    return " ".join(text[start:end] for start, end in entity.fragments)


def _matches(text: str, entity: _TextBound) -> bool:
    if entity.quoted is None:
        return True
    if any(not 0 <= s < e <= len(text) for s, e in entity.fragments):
        return False
    selected = _selected(text, entity)
    return selected == entity.quoted or _WHITE.sub(" ", selected) == _WHITE.sub(" ", entity.quoted)


def _line_ends(text: str, entities: list[_TextBound]) -> tuple[str, str | None]:
    """The text the offsets were made on: as read, or with CRLF as LF (see the module doc)."""
    quoted = [e for e in entities if e.quoted is not None]
    if "\r\n" not in text or all(_matches(text, e) for e in quoted):
        return text, None
    lf = text.replace("\r\n", "\n")
    if all(_matches(lf, e) for e in quoted):
        return lf, "CRLF read as LF: the offsets were made on the text with LF line ends"
    return text, None


def _spans(text: str, entity: _TextBound) -> list[Span] | InputError:
    for start, end in entity.fragments:
        span = checked_span(text, start, end, entity.label, entity.where)
        if isinstance(span, InputError):
            return span
    if not _matches(text, entity):
        return InputError(
            entity.where,
            f"{printable(entity.id)} {printable(entity.label)} "
            f"covers {_selected(text, entity)!r} "
            f"but the file says {entity.quoted!r}",
        )
    fragments = entity.fragments
    gaps = itertools.pairwise(fragments)
    if all(not text[left[1] : right[0]].strip() for left, right in gaps):
        return [Span(fragments[0][0], fragments[-1][1], entity.label)]
    return [Span(start, end, entity.label) for start, end in fragments]


FORMAT = Format(
    "brat", (".ann",), read, "brat standoff: a .ann file with the .txt it annotates beside it"
)
