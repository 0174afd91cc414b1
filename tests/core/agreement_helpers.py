"""Shared by the agreement tests: the tokenizer fixture, the libraries' values, random corpora."""

from __future__ import annotations

import math
import warnings
from itertools import combinations

import krippendorff
import numpy as np
import pytest
import spacy
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotator.core.agreement import AgreementInput, ArticleInput
from annotator.core.records import LABELS, Span
from annotator.core.tokens import spacy_tokenizer

EXACT = 1e-9


@pytest.fixture(scope="module")
def tokenize():  # type: ignore[no-untyped-def]
    return spacy_tokenizer(spacy.blank("fr"))


# --- an independent, per-token statement of the labelling rule ------------------------


def naive_labels(tokens: list[tuple[int, int]], spans: list[Span]) -> list[str]:
    """Each token: the label of the longest span touching it, then the earliest, then the
    first label in LABELS order; O when no span touches it."""
    out = []
    for ts, te in tokens:
        touching = [s for s in spans if s.start < te and ts < s.end]
        if not touching:
            out.append("O")
            continue
        best = max(touching, key=lambda s: (s.end - s.start, -s.start, -LABELS.index(s.label)))
        out.append(best.label)
    return out


def library_values(data: AgreementInput, names: tuple[str, ...], label: str | None = None):  # type: ignore[no-untyped-def]
    """Cohen per pair, Fleiss and alpha from the libraries, over all articles' tokens."""
    per_annotator: dict[str, list[str]] = {n: [] for n in names}
    for article in data.articles:
        tokens = [tuple(t) for t in article.tokens]
        for n in names:
            spans = [s for s in article.spans[n] if label is None or s.label == label]
            per_annotator[n] += naive_labels(tokens, spans)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cohen = {
            (a, b): _none(cohen_kappa_score(per_annotator[a], per_annotator[b]))
            for a, b in combinations(names, 2)
        }
        seen = sorted({v for values in per_annotator.values() for v in values})
        codes = np.array([[seen.index(v) for v in per_annotator[n]] for n in names])
        table, _ = aggregate_raters(codes.T)
        fleiss = _none(sm_fleiss_kappa(table)) if len(codes[0]) else None
        try:
            alpha = krippendorff.alpha(reliability_data=codes, level_of_measurement="nominal")
        except ValueError:  # "There has to be more than one value in the domain."
            alpha = None
    return per_annotator, cohen, fleiss, alpha


def _none(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def same(mine: float | None, theirs: float | None) -> bool:
    if mine is None or theirs is None:
        return mine is None and theirs is None
    return mine == pytest.approx(theirs, abs=EXACT)


def article(text: str, tokens: list[tuple[int, int]], **spans: list[Span]) -> ArticleInput:
    return ArticleInput("a", text, tokens, spans)


# --- random corpora ------------------------------------------------------------------------

WORDS = [
    "le",
    "la",
    "de",
    "Paris",
    "Lyon",
    "Macron",
    "a",
    "dit",
    "que",
    "3",
    "%",
    "du",
    "PIB",
    "en",
    "mai",
    "à",
    "l’ONU",
]
FEW_LABELS = ("PER", "ORG", "LOC")


def spans_in(length: int) -> st.SearchStrategy[Span]:
    """Spans of up to 15 characters anywhere in a text, token boundaries or not."""
    return st.integers(0, length - 1).flatmap(
        lambda s: st.builds(
            Span, st.just(s), st.integers(s + 1, min(length, s + 15)), st.sampled_from(FEW_LABELS)
        )
    )


@st.composite
def corpora(draw: st.DrawFn) -> tuple[AgreementInput, tuple[str, ...]]:
    """Random articles; annotators pick from a shared pool of spans (so they agree
    sometimes) and add spans of their own at any character offsets."""
    names = tuple(f"r{k}" for k in range(draw(st.integers(2, 4))))
    articles = []
    for k in range(draw(st.integers(1, 3))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
        text = " ".join(words)
        tokens = []
        at = 0
        for w in words:
            tokens.append((at, at + len(w)))
            at += len(w) + 1

        span = spans_in(len(text))
        pool = draw(st.lists(span, max_size=5))
        spans = {}
        for n in names:
            shared = draw(st.lists(st.sampled_from(pool), max_size=len(pool))) if pool else []
            spans[n] = shared + draw(st.lists(span, max_size=2))
        articles.append(ArticleInput(f"a{k}", text, tokens, spans))
    return AgreementInput(articles), names
