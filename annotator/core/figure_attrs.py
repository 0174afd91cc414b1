"""FIGURE attributes that follow their span: read from its text, checked when typed.

Whenever a FIGURE span's text changes (resized, relabelled to FIGURE, made by
selection, a suggestion taken as edited) its attributes are read again from
the new text by the recogniser's own number reader (`recognizers/figures.py`,
`recognizers/numbers.py`), so value, unit and qualifier never describe text
the span no longer covers. Attributes a person typed are kept instead, and
marked `"hand_edited": true` in the attributes themselves, so every export
that carries attributes (JSONL, Prodigy, brat notes, DocBin) carries the mark.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from annotator.core.errors import InvalidSpan

if TYPE_CHECKING:
    from spacy.language import Language

    from annotator.core.recognizers.figures import FigureRecognizer
    from annotator.core.recognizers.numbers import Value

FIGURE = "FIGURE"
HAND_EDITED = "hand_edited"  # the attributes were typed by a person: kept when the span changes
RANGE = "range"
# The guideline's closed list (resources/guidelines.md), in its order: the
# recogniser's qualifier phrases plus the two it infers.
QUALIFIERS: tuple[str, ...] = (
    "exact",
    "approx",
    "more_than",
    "less_than",
    "at_least",
    "at_most",
    "up_to",
    RANGE,
)
_NUMBERS = ("value", "value_max")
KEYS = frozenset({*_NUMBERS, "qualifier", "unit", HAND_EDITED})
# A unit or a number as written is a few words ("millions d'euros", "1,5 milliard"):
# longer is no attribute but a file's content, which every export would carry.
MAX_WRITTEN = 100


@functools.cache
def _french() -> tuple[Language, FigureRecognizer]:
    """spaCy's French tokenizer and the FIGURE recogniser, loaded once (seconds).

    The window's worker may be importing spaCy and the recognisers at the same
    moment. Python locks a module before importing its package, so a thread
    entering by a submodule (`spacy.language`, `recognizers.figures`) while
    another is inside the package deadlocks and one gets a half-imported
    module; packages first, then, in the worker's order.
    """
    import spacy

    import annotator.core.recognizers  # noqa: F401  (the package before its module)
    from annotator.core.recognizers.figures import FigureRecognizer

    nlp = spacy.blank("fr")
    return nlp, FigureRecognizer(nlp.vocab)


def read(text: str) -> dict[str, Any]:
    """The attributes of a FIGURE over `text`, as the recogniser reads them.

    The recogniser's first figure in the text when it finds one ("plus de 13 000
    civils", "de 50 à 100 obus"); else its first number with what it counts
    ("trois", "24 heures" labelled FIGURE by hand); no number, no attributes.
    """
    nlp, figures = _french()  # first: see _french
    from annotator.core.recognizers.numbers import NumberKind, tidy, unit_after

    doc = nlp.make_doc(text)
    found = figures.find(doc)
    if found:
        return dict(found[0].attrs)
    numbers = figures.numbers(doc)
    if not numbers:
        return {}
    number = numbers[0]
    qualifier = "approx" if number.kind is NumberKind.COLLECTIVE else "exact"
    unit = unit_after(doc, number)
    if unit is None:
        return {"value": number.value, "qualifier": qualifier}
    return {"value": tidy(number.value * unit[2]), "qualifier": qualifier, "unit": unit[1]}


def parse_value(text: str) -> Value | None:
    """A typed number, in every form the reader reads ("1,5 milliard", "13 346",
    "71.000", "vingt-trois", "une dizaine") or as the panel shows it ("0.5");
    None when it is no number."""
    text = text.strip()
    if not text:
        return None
    nlp, figures = _french()
    doc = nlp.make_doc(text)
    numbers = figures.numbers(doc)
    if len(numbers) == 1 and (numbers[0].start, numbers[0].end) == (0, len(doc)):
        return numbers[0].value
    try:
        number = float(text)
    except ValueError:
        return None
    return _tidy(number) if math.isfinite(number) else None  # not "nan", "inf"


def follow(label: str, text: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes of a span whose text or label just changed to `text`, `label`.

    Other labels carry none; a FIGURE keeps attributes a person typed and has
    the others read again from its new text.
    """
    if label != FIGURE:
        return {}
    if attrs.get(HAND_EDITED):
        return dict(attrs)
    return read(text)


def by_hand(label: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Attributes a person typed, checked and marked as typed by hand."""
    checked = check(label, attrs)
    return {**checked, HAND_EDITED: True} if checked else {}


def check(label: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """`attrs` normalised (numbers read, empty values dropped), or InvalidSpan
    naming what does not fit the guideline."""
    if label != FIGURE:
        if attrs:
            raise InvalidSpan(f"Only FIGURE spans carry attributes, not {label} spans.")
        return {}
    unknown = sorted(set(attrs) - KEYS)
    if unknown:
        raise InvalidSpan(
            f"Unknown FIGURE attribute {', '.join(unknown)}: use value, value_max, qualifier, unit."
        )
    checked: dict[str, Any] = {}
    for key in _NUMBERS:
        if _given(attrs.get(key)):
            checked[key] = _number(key, attrs[key])
    qualifier = attrs.get("qualifier")
    if _given(qualifier):
        if qualifier not in QUALIFIERS:
            raise InvalidSpan(
                f"The qualifier must be one of {', '.join(QUALIFIERS)}, not {_short(qualifier)}."
            )
        checked["qualifier"] = qualifier
    if "value_max" in checked:
        if checked.get("qualifier") != RANGE:
            raise InvalidSpan("value_max is for ranges only: set the qualifier to range first.")
        if "value" in checked and checked["value_max"] < checked["value"]:
            raise InvalidSpan(
                f"value_max ({checked['value_max']}) is below value ({checked['value']})."
            )
    unit = attrs.get("unit")
    if _given(unit):
        if not isinstance(unit, str) or not _written(unit):
            raise InvalidSpan(f"The unit is a word as written, not {_short(unit)}.")
        checked["unit"] = unit.strip()
    if attrs.get(HAND_EDITED) not in (None, True, False):
        raise InvalidSpan(f"{HAND_EDITED} is true or false, not {attrs[HAND_EDITED]!r}.")
    if attrs.get(HAND_EDITED):
        checked[HAND_EDITED] = True
    return checked


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _written(value: str) -> bool:
    """Whether a string is a few words as written: not too long, no control character."""
    return len(value) <= MAX_WRITTEN and not any(
        unicodedata.category(c) == "Cc" for c in value
    )


def _short(value: Any) -> str:
    """A value as a message shows it: escaped (repr), and cut when long."""
    shown = repr(value)
    return shown if len(shown) <= 60 else f"{shown[:50]}... ({len(shown)} characters)"


def _number(key: str, value: Any) -> Value:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidSpan(f"{key} must be a number, not {_short(value)}.")
    if isinstance(value, str) and not _written(value):
        raise InvalidSpan(f"{key} must be a number as written, not {_short(value)}.")
    number = parse_value(value) if isinstance(value, str) else value
    if number is None or not math.isfinite(number):
        raise InvalidSpan(
            f"{key} must be a number (13 346, 7,1, 1,5 milliard), not {_short(value)}."
        )
    return _tidy(number)


def _tidy(number: float) -> Value:
    """13346, not 13346.0 (as `numbers.tidy`, without importing spaCy: see _french)."""
    return int(number) if float(number).is_integer() else number
