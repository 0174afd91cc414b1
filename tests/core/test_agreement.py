"""Token agreement coefficients, checked against well-kept libraries and hand counts.

Token coefficients are compared with scikit-learn (Cohen), statsmodels (Fleiss) and the
`krippendorff` package (nominal alpha) on French sentences and on random data; the token
labels they are fed come from a plain per-token implementation of the documented rule.
"""

from __future__ import annotations

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotator.core.agreement import (
    AgreementInput,
    agreement,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
)
from annotator.core.agreement.columns import build_corpus
from annotator.core.agreement.tokens import categories, label_cover, token_labels
from annotator.core.records import Span
from tests.core.agreement_cases import ANNOTATORS, SENTENCES, french_input, spans_of
from tests.core.agreement_helpers import _none, article, corpora, library_values, same
from tests.core.agreement_helpers import tokenize as tokenize  # a pytest fixture

# --- a small case counted by hand -------------------------------------------------------

MACRON = "Emmanuel Macron a rencontré Olaf Scholz à Berlin mardi."


def test_ten_tokens_counted_by_hand(tokenize) -> None:  # type: ignore[no-untyped-def]
    # Tokens: Emmanuel Macron a rencontré Olaf Scholz à Berlin mardi .
    # A:      PER      PER    O O         PER  PER    O LOC    DATE  O
    # B:      O        PER    O O         PER  PER    O ORG    O     O
    # Agree on 7 of 10: p_o = 0.7.
    # Marginals A: PER 4, O 4, LOC 1, DATE 1; B: PER 3, O 6, ORG 1.
    # Cohen: p_e = (4·3 + 4·6) / 100 = 0.36; κ = (0.7 − 0.36) / 0.64 = 0.53125.
    # Pooled: PER 7, O 10, LOC 1, DATE 1, ORG 1 over n = 20 values.
    # Fleiss: P̄ = 0.7, P̄e = (49 + 100 + 1 + 1 + 1) / 400 = 0.38; κ = 0.32 / 0.62 = 16/31.
    # Alpha: 3 disagreeing units each give (2² − 2)/(2 − 1) = 2, so Σ o_ck = 6;
    #        α = 1 − (20 − 1)·6 / (400 − 152) = 1 − 114/248 = 67/124.
    a = spans_of(
        MACRON,
        [("Emmanuel Macron", "PER"), ("Olaf Scholz", "PER"), ("Berlin", "LOC"), ("mardi", "DATE")],
    )
    b = spans_of(MACRON, [("Macron", "PER"), ("Olaf Scholz", "PER"), ("Berlin", "ORG")])
    tokens = tokenize(MACRON)
    assert len(tokens) == 10
    report = agreement(AgreementInput([article(MACRON, tokens, A=a, B=b)]))

    corpus = build_corpus(AgreementInput([article(MACRON, tokens, A=a, B=b)]), ("A", "B"))
    names = categories(corpus)
    a_labels = ["PER", "PER", "O", "O", "PER", "PER", "O", "LOC", "DATE", "O"]
    b_labels = ["O", "PER", "O", "O", "PER", "PER", "O", "ORG", "O", "O"]
    assert [names[c] for c in token_labels(corpus, "A")] == a_labels
    assert [names[c] for c in token_labels(corpus, "B")] == b_labels

    tokens_ = report.tokens
    assert tokens_.tokens == 10
    assert tokens_.observed[("A", "B")] == pytest.approx(0.7)
    assert tokens_.kappa("A", "B") == pytest.approx(0.53125)
    assert tokens_.kappa("B", "A") == pytest.approx(0.53125)
    assert tokens_.fleiss_kappa == pytest.approx(16 / 31)
    assert tokens_.krippendorff_alpha == pytest.approx(67 / 124)

    # Strict: only "Olaf Scholz" matches. P = 1/3 (B's 3 spans), R = 1/4 (A's 4), F1 = 2/7.
    strict = report.span_scores("A", "B", "strict").micro
    assert (strict.matched, strict.reference, strict.predicted) == (1, 4, 3)
    assert (strict.precision, strict.recall, strict.f1) == pytest.approx((1 / 3, 1 / 4, 2 / 7))
    # Lenient: "Macron" overlaps "Emmanuel Macron" too; Berlin differs in label. F1 = 4/7.
    lenient = report.span_scores("A", "B", "lenient").micro
    assert (lenient.precision, lenient.recall, lenient.f1) == pytest.approx((2 / 3, 1 / 2, 4 / 7))
    # The other way round precision and recall swap; F1 stays.
    back = report.span_scores("B", "A", "lenient").micro
    assert (back.precision, back.recall, back.f1) == pytest.approx((1 / 2, 2 / 3, 4 / 7))
    per_label = report.span_scores("A", "B", "strict").by_label
    assert (per_label["PER"].matched, per_label["PER"].reference, per_label["PER"].predicted) == (
        1,
        2,
        2,
    )
    assert per_label["LOC"].precision is None  # B marked no LOC: nothing to be precise about
    assert per_label["LOC"].recall == 0.0

    found = [(d.start, d.end, d.kind) for d in report.disagreements]
    assert found == [(0, 15, "boundary"), (42, 48, "label"), (49, 54, "missing")]
    missing = report.disagreements[2]
    assert missing.said == {"A": (Span(49, 54, "DATE"),), "B": ()}


# --- against the libraries, on real French sentences -------------------------------------


def test_french_sentences_match_the_libraries(tokenize) -> None:  # type: ignore[no-untyped-def]
    data = french_input(tokenize)
    report = agreement(data)
    assert report.annotators == ANNOTATORS
    labels, cohen, fleiss, alpha = library_values(data, ANNOTATORS)
    corpus = build_corpus(data, ANNOTATORS)
    names = categories(corpus)
    for n in ANNOTATORS:  # the vectorised labelling gives the naive labels
        assert [names[c] for c in token_labels(corpus, n)] == labels[n]
    for (a, b), value in cohen.items():
        assert same(report.tokens.kappa(a, b), value)
    assert same(report.tokens.fleiss_kappa, fleiss)
    assert same(report.tokens.krippendorff_alpha, alpha)
    assert 0.4 < report.tokens.fleiss_kappa < 0.9  # the annotators do disagree


def test_french_sentences_per_article_and_per_label(tokenize) -> None:  # type: ignore[no-untyped-def]
    data = french_input(tokenize)
    report = agreement(data)
    for art in data.articles:
        alone = AgreementInput([art])
        _, cohen, fleiss, alpha = library_values(alone, ANNOTATORS)
        mine = report.tokens_by_article[art.id]
        for (a, b), value in cohen.items():
            assert same(mine.kappa(a, b), value)
        assert same(mine.fleiss_kappa, fleiss)
        assert same(mine.krippendorff_alpha, alpha)
    for label in report.labels:
        _, cohen, fleiss, alpha = library_values(data, ANNOTATORS, label)
        mine = report.tokens_by_label[label]
        for (a, b), value in cohen.items():
            assert same(mine.kappa(a, b), value)
        assert same(mine.fleiss_kappa, fleiss)
        assert same(mine.krippendorff_alpha, alpha)


def test_one_label_asked_for_equals_that_label_in_the_full_report(tokenize) -> None:  # type: ignore[no-untyped-def]
    data = french_input(tokenize)
    full = agreement(data)
    org = agreement(data, label="ORG")
    assert org.labels == ("ORG",)
    assert org.tokens == full.tokens_by_label["ORG"]
    for pair, scores in org.spans["lenient"].items():
        assert scores.micro == full.spans["lenient"][pair].by_label["ORG"]
    assert org.unitizing.alpha == pytest.approx(full.unitizing_by_label["ORG"].alpha)


def test_overlapping_spans_of_different_labels(tokenize) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCES[2].text  # "La Banque de France prévoit ..."
    nested = spans_of(text, [("Banque de France", "ORG"), ("France", "LOC")])
    flat = spans_of(text, [("Banque de France", "ORG")])
    data = AgreementInput([article(text, tokenize(text), A=nested, B=flat)])
    corpus = build_corpus(data, ("A", "B"))
    names = categories(corpus)
    # "France" is under both: the longer span (ORG) labels it.
    assert [names[c] for c in token_labels(corpus, "A")[:5]] == ["O", "ORG", "ORG", "ORG", "O"]
    # Label by label, it counts for LOC as well.
    loc = corpus.labels.index("LOC")
    assert label_cover(corpus, "A")[loc][:5].tolist() == [False, False, False, True, False]
    report = agreement(data)
    assert report.tokens.kappa("A", "B") == 1.0  # the same tokens get the same labels
    assert report.tokens_by_label["LOC"].kappa("A", "B") == 0.0  # B never marks LOC
    assert report.span_scores("A", "B", "strict").micro.recall == 0.5
    assert [(d.start, d.end, d.kind) for d in report.disagreements] == [(3, 19, "mixed")]


# --- random data against the libraries --------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora())
def test_random_corpora_match_the_libraries(case) -> None:  # type: ignore[no-untyped-def]
    data, names = case
    report = agreement(data)
    labels, cohen, fleiss, alpha = library_values(data, names)
    corpus = build_corpus(data, names)
    categories_ = categories(corpus)
    for n in names:
        assert [categories_[c] for c in token_labels(corpus, n)] == labels[n]
    for (a, b), value in cohen.items():
        assert same(report.tokens.kappa(a, b), value)
        assert same(cohen_kappa(labels[a], labels[b]), value)
    assert same(report.tokens.fleiss_kappa, fleiss)
    assert same(report.tokens.krippendorff_alpha, alpha)
    for label in report.labels:
        _, cohen, fleiss, alpha = library_values(data, names, label)
        mine = report.tokens_by_label[label]
        assert all(same(mine.kappa(a, b), v) for (a, b), v in cohen.items())
        assert same(mine.fleiss_kappa, fleiss)
        assert same(mine.krippendorff_alpha, alpha)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 3), min_size=2, max_size=4), min_size=1, max_size=30).filter(
        lambda rows: len({len(r) for r in rows}) == 1
    )
)
def test_coefficients_on_plain_units_match_the_libraries(rows: list[list[int]]) -> None:
    """Units × raters category codes straight into each coefficient."""
    codes = np.array(rows)
    counts = np.stack([np.bincount(r, minlength=4) for r in codes])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert same(fleiss_kappa(counts), _none(sm_fleiss_kappa(counts)))
        assert same(
            cohen_kappa(codes[:, 0], codes[:, 1]),
            _none(cohen_kappa_score(codes[:, 0], codes[:, 1])),
        )
        try:
            theirs = krippendorff.alpha(reliability_data=codes.T, level_of_measurement="nominal")
        except ValueError:
            theirs = None
    assert same(krippendorff_alpha_nominal(counts), theirs)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=3, max_size=3),
        min_size=2,
        max_size=20,
    )
)
def test_alpha_with_missing_values_matches_the_library(rows: list[list[int | None]]) -> None:
    codes = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    counts = np.stack([np.bincount([int(v) for v in r if v == v], minlength=3) for r in codes])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 0/0 when no unit has two values: NaN
            theirs = krippendorff.alpha(reliability_data=codes.T, level_of_measurement="nominal")
    except ValueError:
        theirs = None
    if theirs is not None and math.isnan(theirs):
        theirs = None
    assert same(krippendorff_alpha_nominal(counts), theirs)
