"""The FIGURE recogniser: qualifier + number + unit or counted noun.

Numbers come from `NumberReader`; this module decides which of them are
figures (not dates, references, frequencies or articles) and how far each
span reaches: a qualifier before ("plus de", the range frame "de X à Y"),
one unit or counted noun after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from .dates import DATE, SPAN_KEY, TIME_UNITS, DateFinder, replace_spans
from .numbers import (
    NOT_COUNTED,
    REFERENCE_WORDS,
    Number,
    NumberKind,
    NumberReader,
    follows_name,
    gap,
    next_word,
    prev_word,
    tidy,
    unit_after,
    unit_symbol,
)

FIGURE = "FIGURE"
ATTRS_EXTENSION = "annotator_attrs"
if not Span.has_extension(ATTRS_EXTENSION):
    Span.set_extension(ATTRS_EXTENSION, default=None)

QUALIFIERS: dict[str, list[tuple[str, ...]]] = {
    "more_than": [("plus", "de"), ("un", "peu", "plus", "de")],
    "less_than": [("moins", "de"), ("un", "peu", "moins", "de")],
    "approx": [("près", "de"), ("environ",), ("quelque",), ("presque",), ("autour", "de")],
    "at_least": [("au", "moins"), ("pas", "moins", "de")],
    "at_most": [("au", "plus")],
    "up_to": [("jusqu’", "à")],
}
_ELISIONS = {"de": ["de", "d’", "d'"], "jusqu’": ["jusqu’", "jusqu'"]}
RANGE_FRAMES = {"de": "à", "entre": "et"}

_PLAIN = (NumberKind.DIGITS, NumberKind.WORDS)
# Followers that make a number a duration, a frequency or a multiplier.
_NOT_FIGURE_AFTER = TIME_UNITS | {"fois"}
# Before a lone number they make it a day, an address or a score: "le 15", "au 12".
_NOT_BARE_AFTER = frozenset({"le", "la", "l’", "l'", "au", "sur"})


@dataclass(frozen=True, slots=True)
class Figure:
    start: int  # token indices
    end: int
    attrs: dict[str, Any]


class FigureRecognizer:
    """spaCy component writing FIGURE spans and their attributes."""

    def __init__(self, vocab: Vocab) -> None:
        self.numbers = NumberReader(vocab)
        self.dates = DateFinder(vocab)  # only used when annotator_dates did not run first
        self.qualifiers = Matcher(vocab)
        for qualifier, phrases in QUALIFIERS.items():
            patterns = [[{"LOWER": {"IN": _ELISIONS.get(w, [w])}} for w in p] for p in phrases]
            self.qualifiers.add(qualifier, patterns)

    def __call__(self, doc: Doc) -> Doc:
        figures = self.find(doc)
        spans = [Span(doc, f.start, f.end, label=FIGURE) for f in figures]
        replace_spans(doc, FIGURE, spans)
        for span, figure in zip(spans, figures, strict=True):
            span._.set(ATTRS_EXTENSION, figure.attrs)
        return doc

    def find(self, doc: Doc) -> list[Figure]:
        if SPAN_KEY in doc.spans:
            dates = [s for s in doc.spans[SPAN_KEY] if s.label_ == DATE]
        else:
            dates = self.dates(doc)
        taken = {i for s in dates for i in range(s.start, s.end)}
        numbers = [n for n in self.numbers(doc) if taken.isdisjoint(range(n.start, n.end))]
        qualifiers = self._qualifiers(doc)
        figures: list[Figure] = []
        for k, number in enumerate(numbers):
            if figures and number.start < figures[-1].end:
                continue  # read as part of the previous figure ("de 50 à 100")
            following = numbers[k + 1] if k + 1 < len(numbers) else None
            figure = _range(doc, number, following) or _single(doc, number, qualifiers)
            if figure and taken.isdisjoint(range(figure.start, figure.end)):
                figures.append(figure)
        return figures

    def _qualifiers(self, doc: Doc) -> dict[int, tuple[int, str]]:
        """Token index of the word after each qualifier -> (qualifier start, qualifier)."""
        found: dict[int, tuple[int, str]] = {}
        for match_id, start, end in self.qualifiers(doc):
            after = next_word(doc, end - 1)
            if after is not None and (after not in found or start < found[after][0]):
                found[after] = (start, doc.vocab.strings[match_id])
        return found


def _range(doc: Doc, low: Number, high: Number | None) -> Figure | None:
    """ "de 50 à 100 obus", "entre 3 et 5 %", "de 2 à 3 millions d’euros"."""
    if high is None or low.kind not in _PLAIN or high.kind not in _PLAIN:
        return None
    frame = prev_word(doc, low.start)
    if frame is None or doc[frame].lower_ not in RANGE_FRAMES:
        return None
    link = next_word(doc, low.end - 1)
    if link is not None and (symbol := unit_symbol(doc, link)):
        link = next_word(doc, symbol[0] - 1)  # the unit said twice: "de 3 % à 5 %"
    if (
        link is None
        or doc[link].lower_ != RANGE_FRAMES[doc[frame].lower_]
        or next_word(doc, link) != high.start
    ):
        return None
    value = low.value
    if low.scale == 1 and low.value * high.scale <= high.value:
        value *= high.scale  # "de 2 à 3 millions": the scale word covers both
    unit = unit_after(doc, high)
    factor = unit[2] if unit else 1
    attrs: dict[str, Any] = {
        "value": tidy(value * factor),
        "value_max": tidy(high.value * factor),
        "qualifier": "range",
    }
    if unit:
        attrs["unit"] = unit[1]
    return Figure(frame, unit[0] if unit else high.end, attrs)


def _single(doc: Doc, number: Number, qualifiers: dict[int, tuple[int, str]]) -> Figure | None:
    after = next_word(doc, number.end - 1)
    if after is not None and doc[after].lower_ in _NOT_FIGURE_AFTER:
        return None
    before = prev_word(doc, number.start)
    if (before is not None and doc[before].lower_ in REFERENCE_WORDS) or _glued(doc, number):
        return None
    if number.kind is NumberKind.FRACTION:
        if not _is_fraction(doc, number):
            return None
        unit: tuple[int, str, int] | None = (number.end, "fraction", 1)
    else:
        unit = unit_after(doc, number)
    start, qualifier = qualifiers.get(number.start, (number.start, None))
    if qualifier is None and unit is None and not _lone_number(doc, number, before):
        return None
    if qualifier is None and _named(doc, number, unit):
        return None
    if qualifier is None:
        qualifier = "approx" if number.kind is NumberKind.COLLECTIVE else "exact"
    attrs: dict[str, Any] = {
        "value": tidy(number.value * (unit[2] if unit else 1)),
        "qualifier": qualifier,
    }
    if unit:
        attrs["unit"] = unit[1]
    return Figure(start, unit[0] if unit else number.end, attrs)


def _glued(doc: Doc, number: Number) -> bool:
    """Written against letters, hyphens or slashes: "3-1", "2016-1088", "24/7"."""
    b, a = number.start - 1, number.end
    before = b >= 0 and gap(doc, b, number.start) == "" and doc[b]
    after = a < len(doc) and gap(doc, a - 1, a) == "" and doc[a]
    return bool(
        (before and (before.is_alpha or before.is_digit or before.text in ("-", "/")))
        or (after and after.text in ("-", "/"))
    )


def _is_fraction(doc: Doc, number: Number) -> bool:
    """ "le tiers" needs a complement ("le tiers des sièges"); "quart d’heure" is a time."""
    after = next_word(doc, number.end - 1)
    words = [t.lower_ for t in doc[after : after + 2]] if after is not None else []
    if doc[number.start].lower_ == "le" and words[:1] not in (["de"], ["des"], ["du"], ["d’"]):
        return False
    return not (
        doc[number.end - 1].lower_.startswith("quart")
        and words in (["d’", "heure"], ["d'", "heure"], ["de", "finale"], ["de", "finales"])
    )


def _named(doc: Doc, number: Number, unit: tuple[int, str, int] | None) -> bool:
    """Part of a name after a capitalised word: "CAC 40", "vol AF 447", "la Ligue 1 reprend".

    A plural noun after the number outweighs the capital ("à Zurich 1,2 milliard de
    francs"); after 1 the noun test cannot tell a verb from a noun, so the name wins.
    """
    strong = unit is not None and abs(number.value) >= 2
    return number.kind is NumberKind.DIGITS and not strong and follows_name(doc, number.start)


def _lone_number(doc: Doc, number: Number, before: int | None) -> bool:
    """Whether a number with no qualifier and no noun is still a figure ("204", "des centaines")."""
    if number.kind is not NumberKind.DIGITS:
        # collectives stand alone; number words without a noun are mostly
        # pronouns or adjectives ("les deux", "un bâtiment neuf")
        return number.kind is NumberKind.COLLECTIVE
    if before is None:
        return True
    word = doc[before]
    if word.lower_ in _NOT_BARE_AFTER:
        return False
    if word.text[:1].isupper() and word.lower_ not in NOT_COUNTED:
        return False  # even first in a sentence a capitalised word names it: "France 2 a réuni"
    if word.text == "(" and number.end < len(doc) and doc[number.end].text == ")":
        return False  # "(75)": a département, a code
    text = doc[number.start].text
    return not (text.isdigit() and len(text) >= 6)  # an ISBN, a phone number: quantities
    # that long are written with separators


@Language.factory("annotator_figures", assigns=["doc.spans"])
def make_figure_recognizer(nlp: Language, name: str) -> FigureRecognizer:
    return FigureRecognizer(nlp.vocab)
