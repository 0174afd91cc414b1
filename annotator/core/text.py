"""What makes two articles the same, and what an article's title is."""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import re
import unicodedata
from collections.abc import Sequence

from annotator.core.records import Span, SpanTuple
from annotator.core.span_edges import cuts_a_character

_LINE_BREAKS = re.compile(r"\r\n?")
# A title line is short and does not end like a sentence ("." but not "…").
_TITLE_MAX_CHARS = 150
_SENTENCE_END = (".", ";", ":", ",")


def clean_text(raw: str) -> str:
    """The text as stored: NFC, LF line ends, no BOM, no trailing white space.

    Leading characters are kept, so offsets made by other tools on the same
    text stay valid; only the end (where no offset can point) is trimmed.
    """
    text = raw.removeprefix("\ufeff")
    if "\r" in text:
        text = _LINE_BREAKS.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.rstrip()


def clean_text_and_spans(raw: str, spans: Sequence[Span]) -> tuple[str, list[Span]]:
    """`clean_text`, carrying span offsets from the raw text to the clean one.

    The text is cleaned piece by piece between span boundaries, so a removed
    `\r` or a composed accent shifts exactly the offsets after it. Spans out
    of range are returned as given, for the caller to reject.
    """
    length = len(raw)
    if _clean_but_the_end(raw):
        return _trimmed(raw.rstrip(), length, spans)
    inside = {p for s in spans for p in (s.start, s.end) if 0 <= p <= length}
    cuts = sorted(inside | {0, length})
    moved: dict[int, int] = {}
    pieces: list[str] = []
    position = 0
    for left, right in itertools.pairwise(cuts):
        moved[left] = position
        piece = raw[left:right]
        if left == 0:
            piece = piece.removeprefix("\ufeff")
        if piece.endswith("\r") and raw[right : right + 1] == "\n":
            piece = piece[:-1]  # a CRLF cut in two: its LF follows
        piece = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", piece))
        pieces.append(piece)
        position += len(piece)
    moved[length] = position
    text = "".join(pieces).rstrip()
    out = [
        Span(moved[s.start], min(moved[s.end], len(text)), s.label, s.attrs)
        if s.start in moved and s.end in moved
        else s
        for s in spans
    ]
    return text, out


def splitting_normalisation(raw: str, spans: Sequence[Span]) -> list[Span]:
    """Spans with an edge inside what NFC composes into one character ("e" | U+0301).

    Cleaning such a text piece by piece would store it non-NFC; composed
    whole, the edge would have no character to fall on: these are refused.
    """
    composed = unicodedata.is_normalized("NFC", raw)
    return [
        s
        for s in spans
        # An edge before a mark NFC keeps apart ("q" | U+0301): merge's rule too.
        if cuts_a_character(raw, s.start, s.end) is not None
        or (not composed and (_splits(raw, s.start) or _splits(raw, s.end)))
    ]


def _splits(raw: str, at: int) -> bool:
    if not 0 < at < len(raw):
        return False
    # Around the edge: combining sequences are short, and both sides share the left cut.
    left, right = raw[max(0, at - _AROUND) : at], raw[at : at + _AROUND]
    nfc = functools.partial(unicodedata.normalize, "NFC")
    return nfc(left) + nfc(right) != nfc(left + right)


_AROUND = 16


def _clean_but_the_end(raw: str) -> bool:
    """Whether cleaning only trims the end: no BOM, no CR, already NFC.

    Then no offset moves (a piece of an NFC text is NFC itself), and the
    piece-by-piece cleaning, the slow part of an import, is not needed.
    """
    return (
        not raw.startswith("\ufeff") and "\r" not in raw and unicodedata.is_normalized("NFC", raw)
    )


def _trimmed(text: str, length: int, spans: Sequence[Span]) -> tuple[str, list[Span]]:
    """Spans of a raw text of `length` whose cleaning was `text`: ends past it cut back."""
    cut = len(text)
    return text, [
        Span(s.start, cut, s.label, s.attrs)
        if s.end > cut and 0 <= s.start <= length and s.end <= length
        else s
        for s in spans
    ]


def identity_text(text: str) -> str:
    """The text reduced to what decides identity: white space runs folded."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def moved_spans(spans: Sequence[SpanTuple], made_on: str, stored: str) -> list[SpanTuple]:
    """Spans made on a text carried to the stored text of the same id, exactly.

    The two texts have the same identity text (`identity_text`): the same
    characters but white space, in the same order. A span's edges are on
    characters that are not white space, so each goes to the same character
    (counted among those) in the stored text.
    """
    if made_on == stored:
        return list(spans)
    ours, theirs = _visible(made_on), _visible(stored)
    moved = []
    for start, end, label, attrs in spans:
        first = bisect.bisect_left(ours, start)
        last = bisect.bisect_left(ours, end - 1)
        moved.append((theirs[first], theirs[last] + 1, label, attrs))
    return moved


def spans_key(spans: Sequence[SpanTuple], text: str) -> tuple[tuple[int, int, str, str], ...]:
    """Spans as counted in characters that are not white space: equal over texts of one id."""
    visible = _visible(text)
    return tuple(
        sorted(
            (
                bisect.bisect_left(visible, start),
                bisect.bisect_left(visible, end - 1),
                label,
                json.dumps(attrs, sort_keys=True, default=str),
            )
            for start, end, label, attrs in spans
        )
    )


def _visible(text: str) -> list[int]:
    """Offsets of the characters that are not white space (as `str.split` sees it)."""
    return [m.start() for m in _NOT_SPACE.finditer(text)]


_NOT_SPACE = re.compile(r"\S")


def article_id(text: str) -> str:
    """A stable id derived from the normalised text: the same text, the same id."""
    digest = hashlib.sha256(identity_text(text).encode("utf-8")).hexdigest()
    return digest[:16]


def article_id_and_words(text: str) -> tuple[str, int]:
    """`article_id` and `count_words` of a text, splitting it once."""
    if not unicodedata.is_normalized("NFC", text):
        return article_id(text), count_words(text)
    words = text.split()
    digest = hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()
    return digest[:16], len(words)


def guess_title(text: str) -> str | None:
    """The first line when it looks like a headline, else None.

    A headline is a short first line, followed by more text, that does not end
    like a sentence. The title stays part of the text so offsets are unchanged.
    """
    first, sep, rest = text.partition("\n")
    first = first.strip()
    if not sep or not rest.strip() or not first:
        return None
    if len(first) > _TITLE_MAX_CHARS or first.endswith(_SENTENCE_END):
        return None
    return first


def count_words(text: str) -> int:
    return len(text.split())
