"""The DATE recogniser: calendar expressions, clock times, years, numeric durations.

A DATE span has no leading preposition or article ("le 30 septembre 2015" ->
"30 septembre 2015", "depuis 2013" -> "2013"). Frequencies ("24 heures sur
24", "toutes les 10 minutes") and vague periods are left out.

This module also owns the SpanGroup both recognisers write to, because dates
run first: the FIGURE recogniser skips every number a DATE has taken.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from .numbers import (
    REFERENCE_WORDS,
    Number,
    NumberKind,
    NumberReader,
    follows_name,
    gap,
    next_word,
    prev_word,
    unit_after,
)

SPAN_KEY = "annotator_recognizers"
DATE = "DATE"

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    *("janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet"),
    *("août", "aout", "septembre", "octobre", "novembre", "décembre", "decembre"),
)
# What may follow a weekday or "demain" inside the same DATE ("jeudi matin").
DAY_PARTS = ("matin", "midi", "après-midi", "soir", "dernier", "prochain")
RELATIVE_DAYS = ("demain", "hier", "aujourd’hui", "aujourd'hui", "après-demain", "avant-hier")
TIME_UNITS = frozenset(
    {
        *("seconde", "secondes", "minute", "minutes", "heure", "heures", "jour", "jours"),
        *("semaine", "semaines", "mois", "an", "ans", "année", "années", "décennie"),
        *("décennies", "siècle", "siècles"),
    }
)
_FREQUENCY_HEADS = (("tous", "les"), ("toutes", "les"))

_DAY = {"TEXT": {"REGEX": r"^(?:1er|0?[1-9]|[12]\d|3[01])$"}}
_MONTH = {"LOWER": {"IN": MONTHS}}
_YEAR_RE = r"^(?:1[5-9]\d\d|20\d\d)$"
_YEAR = {"TEXT": {"REGEX": _YEAR_RE}}
_HOUR = {"TEXT": {"REGEX": r"^(?:[01]?\d|2[0-4])$"}}
_MINUTE = {"TEXT": {"REGEX": r"^[0-5]\d$"}}
_DASH = {"TEXT": "-"}


def _calendar_patterns() -> list[list[dict]]:
    dates = [
        [_DAY, _MONTH],
        [_DAY, _MONTH, _YEAR],
        [_DAY, {"LOWER": {"IN": ["au", "et", "-"]}}, _DAY, _MONTH],
        [_DAY, {"LOWER": {"IN": ["au", "et", "-"]}}, _DAY, _MONTH, _YEAR],
        [_MONTH],
        [_MONTH, _YEAR],
    ]
    weekday = {"LOWER": {"IN": WEEKDAYS}}
    part = {"LOWER": {"IN": DAY_PARTS}}
    relative = {"LOWER": {"IN": RELATIVE_DAYS}}
    return [
        *dates,
        *([weekday, *d] for d in dates[:4]),
        [weekday],
        [weekday, part],
        [relative],
        [relative, {"LOWER": {"IN": DAY_PARTS[:4]}}],
        [{"LOWER": "années"}, {"TEXT": {"REGEX": r"^(?:1[5-9]\d0|20\d0|\d0)$"}}],
    ]


_TIGHT_PATTERNS = [  # written without spaces: "2015-2016", "2015-09-30"
    [_YEAR, _DASH, _YEAR],
    [_YEAR, _DASH, {"TEXT": {"REGEX": r"^(?:0[1-9]|1[0-2])$"}}, _DASH, _DAY],
]
_CLOCK_PATTERNS = [
    [_HOUR, {"LOWER": "h"}],
    [_HOUR, {"LOWER": "h"}, _MINUTE],
    [_HOUR, {"LOWER": "heures"}, _MINUTE],
    [{"TEXT": {"REGEX": r"^(?:[01]?\d|2[0-4])(?:h(?:[0-5]\d)?|:[0-5]\d)$"}}],
    [{"TEXT": {"REGEX": r"^(?:0?[1-9]|[12]\d|3[01])/(?:0?[1-9]|1[0-2])/(?:\d\d|\d{4})$"}}],
]


def replace_spans(doc: Doc, label: str, spans: Iterable[Span]) -> None:
    """Replace the spans of `label` in the shared group, so running twice adds nothing."""
    kept = [s for s in doc.spans.get(SPAN_KEY, []) if s.label_ != label]
    new = [Span(doc, s.start, s.end, label=label) for s in spans]
    doc.spans[SPAN_KEY] = sorted(kept + new, key=lambda s: (s.start, s.end))


class DateFinder:
    """Token patterns for calendar expressions, plus numbers followed by a time unit."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        self.matcher.add("CALENDAR", _calendar_patterns())
        self.matcher.add("TIGHT", _TIGHT_PATTERNS)
        self.matcher.add("CLOCK", _CLOCK_PATTERNS)
        self.matcher.add("YEAR", [[_YEAR]])
        self.numbers = NumberReader(vocab)

    def __call__(self, doc: Doc) -> list[Span]:
        candidates = [
            doc[start:end]
            for match_id, start, end in self.matcher(doc)
            if self._valid(doc, doc.vocab.strings[match_id], start, end)
        ]
        candidates += self._durations(doc)
        spans = filter_spans(candidates)
        return sorted(spans, key=lambda s: s.start)

    @staticmethod
    def _valid(doc: Doc, kind: str, start: int, end: int) -> bool:
        if kind == "TIGHT":
            return all(gap(doc, i, i + 1) == "" for i in range(start, end - 1)) and (
                end - start != 3 or int(doc[start].text) < int(doc[end - 1].text)
            )
        if kind == "YEAR":
            return _is_year(doc, start)
        first = doc[start]
        if kind == "CALENDAR" and first.lower_ in MONTHS and not first.is_lower:
            return end - start > 1  # "Mars" alone is a planet or a brand, "Mars 2016" a date
        return True

    def _durations(self, doc: Doc) -> list[Span]:
        """ "24 heures", "deux ans", "15 à 20 ans": a number, then a time unit."""
        spans = []
        previous: Number | None = None
        for number in self.numbers(doc):
            unit = next_word(doc, number.end - 1)
            if (
                number.kind in (NumberKind.DIGITS, NumberKind.WORDS)
                and number.value > 0
                and unit is not None
                and doc[unit].lower_ in TIME_UNITS
                and not _after_frequency_head(doc, number.start)
                and not _frequency(doc, unit + 1)
            ):
                start = number.start
                link = prev_word(doc, start)
                if (
                    previous is not None
                    and link is not None
                    and doc[link].lower_ in ("à", "et", "ou", "-")
                    and prev_word(doc, link) == previous.end - 1
                ):
                    start = previous.start  # a range of durations is one DATE
                spans.append(doc[start : unit + 1])
            previous = number
        return spans


def _is_year(doc: Doc, i: int) -> bool:
    """A lone four-digit token is a year unless it counts something or is a reference."""
    before, after = prev_word(doc, i), next_word(doc, i)
    if (before is not None and doc[before].lower_ in REFERENCE_WORDS) or follows_name(doc, i):
        return False
    for j in (before, after):  # "2016-1088", "2015/16": codes, not years
        if j is not None and doc[j].text in ("-", "/") and gap(doc, min(i, j), max(i, j)) == "":
            return False
    number = Number(i, i + 1, int(doc[i].text), NumberKind.DIGITS)
    return unit_after(doc, number) is None


def _after_frequency_head(doc: Doc, i: int) -> bool:
    """ "toutes les 10 minutes" is a frequency."""
    b = prev_word(doc, i)
    a = prev_word(doc, b) if b is not None else None
    return a is not None and (doc[a].lower_, doc[b].lower_) in _FREQUENCY_HEADS


def _frequency(doc: Doc, end: int) -> bool:
    """ "24 heures sur 24", "sept jours sur sept" are frequencies."""
    j = next_word(doc, end - 1)
    k = next_word(doc, j) if j is not None else None
    return k is not None and doc[j].lower_ == "sur" and doc[k].like_num


class DateRecognizer:
    """spaCy component writing DATE spans to doc.spans[SPAN_KEY]."""

    def __init__(self, vocab: Vocab) -> None:
        self.find = DateFinder(vocab)

    def __call__(self, doc: Doc) -> Doc:
        replace_spans(doc, DATE, self.find(doc))
        return doc


@Language.factory("annotator_dates", assigns=["doc.spans"])
def make_date_recognizer(nlp: Language, name: str) -> DateRecognizer:
    return DateRecognizer(nlp.vocab)
