"""French number reading: values from text, numbers and units from a Doc."""

from __future__ import annotations

import math

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.language import Language

from annotator.core.recognizers.numbers import (
    Number,
    NumberKind,
    NumberReader,
    collective_value,
    fraction_value,
    parse_digits,
    parse_words,
    tidy,
    unit_after,
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("fr")


@pytest.fixture(scope="module")
def reader(nlp: Language) -> NumberReader:
    return NumberReader(nlp.vocab)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("13 346", 13346),
        ("13\u00a0346", 13346),
        ("13\u202f346", 13346),
        ("71.000", 71000),
        ("1.000.000", 1000000),
        ("1 200", 1200),
        ("2 300 000", 2300000),
        ("1 234,5", 1234.5),
        ("7,1", 7.1),
        ("0,5", 0.5),
        ("-12", -12),
        ("−4", -4),  # U+2212 MINUS SIGN
        ("+3,5", 3.5),
        ("204", 204),
        ("2013", 2013),
    ],
)
def test_parse_digits(text: str, value: float) -> None:
    assert parse_digits(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "49.3",  # a dot not followed by three digits: a reference, not a thousands group
        "3.5",
        "1 000.000",  # two different separators
        "13 34",
        "01",  # a leading zero: a code
        "007",
        "1,2,3",
        "12a",
        "",
    ],
)
def test_parse_digits_rejects(text: str) -> None:
    assert parse_digits(text) is None


@given(
    st.integers(min_value=1000, max_value=10**12), st.sampled_from([" ", "\u00a0", "\u202f", "."])
)
def test_grouped_thousands_read_back(n: int, sep: str) -> None:
    written = f"{n:,}".replace(",", sep)
    assert parse_digits(written) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=999))
def test_decimal_comma_reads_back(whole: int, frac: int) -> None:
    written = f"{whole},{frac:03d}"
    assert math.isclose(parse_digits(written), whole + frac / 1000)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("trois", 3),
        ("vingt-trois", 23),
        ("deux cents", 200),
        ("vingt et un", 21),
        ("quatre-vingt-dix-neuf", 99),
        ("mille deux cents", 1200),
        ("Vingt-Trois", 23),
    ],
)
def test_parse_words(text: str, value: int) -> None:
    assert parse_words(text) == value


@pytest.mark.parametrize("text", ["et", "deux trois", "vingt et", "bus"])
def test_parse_words_rejects(text: str) -> None:
    assert parse_words(text) is None


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("une dizaine", 10),
        ("une vingtaine", 20),
        ("un millier", 1000),
        ("des centaines", 100),
        ("des milliers", 1000),
        ("quelques dizaines", 20),  # as the seed gold reads it: at least two tens
        ("plusieurs centaines", 200),
        ("des dizaines de milliers", 10000),
        ("des millions", 1000000),
        ("Des Milliers", 1000),
    ],
)
def test_collective_value(words: str, value: int) -> None:
    assert collective_value(words.split()) == value


@pytest.mark.parametrize("words", ["un millions", "une dizaine de", "les dizaines", "dizaine"])
def test_collective_value_rejects(words: str) -> None:
    assert collective_value(words.split()) is None


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("la moitié", 0.5),
        ("un tiers", 1 / 3),
        ("les deux tiers", 2 / 3),
        ("deux tiers", 2 / 3),
        ("un quart", 0.25),
        ("les trois quarts", 0.75),
    ],
)
def test_fraction_value(words: str, value: float) -> None:
    assert math.isclose(fraction_value(words.split()), value)


@pytest.mark.parametrize("words", ["moitié", "les tiers", "deux quart", "un quarts"])
def test_fraction_value_rejects(words: str) -> None:
    assert fraction_value(words.split()) is None


def test_tidy_keeps_whole_numbers_as_int() -> None:
    assert tidy(13346.0) == 13346 and isinstance(tidy(13346.0), int)
    assert tidy(7.1) == 7.1


def _read(nlp: Language, reader: NumberReader, text: str) -> list[tuple[str, float, NumberKind]]:
    doc = nlp(text)
    return [(doc[n.start : n.end].text, n.value, n.kind) for n in reader(doc)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13 346 civils", [("13 346", 13346, NumberKind.DIGITS)]),
        ("13\u00a0346 civils", [("13\u00a0346", 13346, NumberKind.DIGITS)]),
        ("5 000\u202fpersonnes", [("5 000", 5000, NumberKind.DIGITS)]),
        ("1,5 million d’euros", [("1,5 million", 1500000, NumberKind.DIGITS)]),
        ("45\u00a0millions d’euros", [("45\u00a0millions", 45000000, NumberKind.DIGITS)]),
        ("3 milliards", [("3 milliards", 3000000000, NumberKind.DIGITS)]),
        ("vingt et un morts", [("vingt et un", 21, NumberKind.WORDS)]),
        ("deux millions de personnes", [("deux millions", 2000000, NumberKind.WORDS)]),
        ("un million de visiteurs", [("un million", 1000000, NumberKind.WORDS)]),
        ("une dizaine de bus", [("une dizaine", 10, NumberKind.COLLECTIVE)]),
        (
            "des dizaines de milliers de réfugiés",
            [("des dizaines de milliers", 10000, NumberKind.COLLECTIVE)],
        ),
        ("dont la moitié sont", [("la moitié", 0.5, NumberKind.FRACTION)]),
        ("les deux tiers des salariés", [("les deux tiers", 2 / 3, NumberKind.FRACTION)]),
        # the indefinite article is no number
        ("une école, un jardin", []),
        # two separate numbers, not one thousands group across a line break or two spaces
        ("13\n000", [("13", 13, NumberKind.DIGITS)]),
        ("13  000", [("13", 13, NumberKind.DIGITS)]),
    ],
)
def test_number_reader(nlp: Language, reader: NumberReader, text: str, expected: list) -> None:
    found = _read(nlp, reader, text)
    assert [(t, k) for t, _, k in found] == [(t, k) for t, _, k in expected]
    assert all(math.isclose(a[1], b[1]) for a, b in zip(found, expected, strict=True))


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("13 346 civils ont", "civils"),
        ("6 bus sont", "bus"),
        ("3,5 %", "%"),
        ("25% des voix", "%"),
        ("-12 °C", "°C"),
        ("130 km/h", "km/h"),
        ("4,5 M€", "M€"),
        ("cinq pour cent", "pour cent"),
        ("une vingtaine de pick-ups", "pick-ups"),
        ("1,5 million d’euros", "euros"),
        ("1 enfant", "enfant"),  # one takes the singular
        ("204 dont des chefs", None),  # a function word counts nothing
        ("300 manifestent", None),  # after two or more the noun is plural: this is a verb
        ("Des milliers (de personnes)", None),
        ("des centaines attendent", None),
        ("1 500 équipements\nmilitaires", "équipements"),
        ("13 000\nciviles", None),  # never across a line break
    ],
)
def test_unit_after(nlp: Language, reader: NumberReader, text: str, unit: str | None) -> None:
    doc = nlp(text)
    number: Number = reader(doc)[0]
    found = unit_after(doc, number)
    assert (found[1] if found else None) == unit
