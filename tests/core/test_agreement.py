"""Inter-annotator agreement, checked against well-kept libraries, hand counts and the literature.

Token coefficients are compared with scikit-learn (Cohen), statsmodels (Fleiss) and the
`krippendorff` package (nominal alpha) on French sentences and on random data; the token
labels they are fed come from a plain per-token implementation of the documented rule.
u-alpha is checked on Krippendorff's published examples and against a literal,
exact-fraction implementation of the formula on random continua.
"""

from __future__ import annotations

import json
import math
import warnings
from fractions import Fraction
from itertools import combinations, pairwise

import krippendorff
import numpy as np
import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from annotator.core.agreement import (
    AgreementInput,
    ArticleInput,
    agreement,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_nominal,
    unitizing_alpha,
    unitizing_alpha_by_category,
)
from annotator.core.agreement.columns import build_corpus
from annotator.core.agreement.spans import matched_pairs, one_to_one
from annotator.core.agreement.tokens import categories, label_cover, token_labels
from annotator.core.errors import AnnotatorError, InvalidSpan
from annotator.core.records import LABELS, Span
from annotator.core.tokens import spacy_tokenizer
from tests.core.agreement_cases import ANNOTATORS, SENTENCES, french_input, spans_of

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


# --- span matching ------------------------------------------------------------------------


def max_matching(a: list[Span], b: list[Span]) -> int:
    """Size of a maximum one-to-one matching of same-label overlapping spans (Kuhn)."""
    edges = {
        i: [
            j for j, y in enumerate(b) if x.label == y.label and x.start < y.end and y.start < x.end
        ]
        for i, x in enumerate(a)
    }
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in edges)


@settings(max_examples=200, deadline=None)
@given(corpora())
def test_matching_is_one_to_one_and_maximal(case) -> None:  # type: ignore[no-untyped-def]
    data, names = case
    report = agreement(data)
    corpus = build_corpus(data, names)
    for a, b in combinations(names, 2):
        keys = [
            (
                {(s.start, s.end, s.label) for s in art.spans[a]},
                {(s.start, s.end, s.label) for s in art.spans[b]},
            )
            for art in data.articles
        ]
        strict = sum(len(x & y) for x, y in keys)
        lenient = sum(max_matching([Span(*k) for k in x], [Span(*k) for k in y]) for x, y in keys)
        assert report.span_scores(a, b, "strict").micro.matched == strict
        assert report.span_scores(a, b, "lenient").micro.matched == lenient
        assert strict <= lenient
        for mode in ("strict", "lenient"):
            i, j = matched_pairs(corpus, a, b, mode)
            assert len(set(i.tolist())) == len(i) and len(set(j.tolist())) == len(j)
            assert (
                report.span_scores(a, b, mode).micro.f1 == report.span_scores(b, a, mode).micro.f1
            )


def test_lenient_counts_a_span_once_when_it_overlaps_several(tokenize) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCES[4].text  # "Jean-Pierre Dupont, maire de Lyon, ..."
    whole = spans_of(text, [("Jean-Pierre Dupont", "PER")])
    split = spans_of(text, [("Jean-Pierre", "PER"), ("Dupont", "PER")])
    report = agreement(AgreementInput([article(text, tokenize(text), A=whole, B=split)]))
    lenient = report.span_scores("A", "B", "lenient").micro
    assert (lenient.matched, lenient.precision, lenient.recall) == (1, 0.5, 1.0)
    # The one match is the one sharing more characters ("Jean-Pierre", 11 > 6).
    corpus = build_corpus(
        AgreementInput([article(text, tokenize(text), A=whole, B=split)]), ("A", "B")
    )
    _, j = matched_pairs(corpus, "A", "B", "lenient")
    assert corpus.spans["B"].end[j].tolist() == [11]


def test_lenient_prefers_more_matches_over_bigger_overlaps() -> None:
    # A1 = [0,10), A2 = [9,20); B1 = [5,12), B2 = [0,3). Taking the biggest overlap first
    # (A1–B1, 5 characters) leaves A2 and B2 alone: 1 match. Two are possible: A1–B2, A2–B1.
    i = np.array([0, 0, 1])
    j = np.array([0, 1, 0])
    overlap = np.array([5, 3, 3])
    chosen = one_to_one(i, j, overlap)
    assert sorted(zip(i[chosen].tolist(), j[chosen].tolist(), strict=True)) == [(0, 1), (1, 0)]


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(corpora())
def test_an_annotator_agrees_with_themselves(case) -> None:  # type: ignore[no-untyped-def]
    data, names = case
    first = names[0]
    twins = AgreementInput(
        [
            ArticleInput(
                a.id,
                a.text,
                a.tokens,
                {"me": a.spans[first], "again": list(reversed(a.spans[first]))},
            )
            for a in data.articles
        ]
    )
    report = agreement(twins)
    has_spans = any(a.spans[first] for a in data.articles)
    for mode in ("strict", "lenient"):
        f1 = report.span_scores("me", "again", mode).micro.f1
        assert f1 == (1.0 if has_spans else None)
    codes = token_labels(build_corpus(twins, ("me", "again")), "me")
    two_categories = len(set(codes.tolist())) > 1
    expected = 1.0 if two_categories else None  # one category only: kappa is undefined
    assert report.tokens.kappa("me", "again") == expected
    assert report.tokens.fleiss_kappa == expected
    assert report.tokens.krippendorff_alpha == expected
    if report.unitizing.expected:  # 0 only when 1-character units fill the whole continuum
        assert report.unitizing.alpha == pytest.approx(1.0)
    assert len(report.disagreements) == 0


def test_per_article_numbers_equal_each_article_alone() -> None:
    from tests.core.agreement_cases import synthetic_input

    data = synthetic_input(25, annotators=3, words=60, spans=8, seed=3)
    report = agreement(data)
    for art in data.articles:
        alone = agreement(AgreementInput([art]))
        assert report.tokens_by_article[art.id] == alone.tokens
        for mode in ("strict", "lenient"):
            for pair, scores in report.spans[mode].items():
                assert scores.by_article[art.id] == alone.spans[mode][pair].micro
        assert report.disagreements.in_article(art.id) == list(alone.disagreements)
    # Micro counts are the sums of the per-article and per-label counts.
    scores = report.span_scores("annotator0", "annotator1", "lenient")
    assert scores.micro.matched == sum(c.matched for c in scores.by_article.values())
    assert scores.micro.matched == sum(c.matched for c in scores.by_label.values())


# --- edge cases ---------------------------------------------------------------------------


def test_no_spans_at_all(tokenize) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCES[0].text
    report = agreement(AgreementInput([article(text, tokenize(text), A=[], B=[], C=[])]))
    assert report.labels == ()
    scores = report.span_scores("A", "B", "strict").micro
    assert (scores.precision, scores.recall, scores.f1) == (None, None, None)
    # Every token is O: chance agreement is certain, the coefficients are undefined.
    assert report.tokens.kappa("A", "B") is None
    assert report.tokens.fleiss_kappa is None
    assert report.tokens.krippendorff_alpha is None
    assert report.unitizing.alpha is None
    assert len(report.disagreements) == 0
    json.dumps(report.to_json())


def test_no_article() -> None:
    report = agreement(AgreementInput([]), ["A", "B"])
    assert report.articles == () and report.tokens.tokens == 0
    assert report.span_scores("A", "B").micro.f1 is None
    assert report.tokens.kappa("A", "B") is None and report.tokens.fleiss_kappa is None
    assert report.unitizing.alpha is None and len(report.disagreements) == 0
    json.dumps(report.to_json())


def test_one_annotator_with_nothing(tokenize) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCES[0].text
    marks = spans_of(text, [("Emmanuel Macron", "PER"), ("Berlin", "LOC")])
    data = AgreementInput([article(text, tokenize(text), A=marks, B=[])])
    report = agreement(data)
    b_against_a = report.span_scores("A", "B", "strict").micro
    assert (b_against_a.precision, b_against_a.recall, b_against_a.f1) == (None, 0.0, 0.0)
    a_against_b = report.span_scores("B", "A", "lenient").micro
    assert (a_against_b.precision, a_against_b.recall, a_against_b.f1) == (0.0, None, 0.0)
    _, cohen, fleiss, alpha = library_values(data, ("A", "B"))
    assert report.tokens.kappa("A", "B") == 0.0 == cohen[("A", "B")]
    assert same(report.tokens.fleiss_kappa, fleiss)
    assert same(report.tokens.krippendorff_alpha, alpha)
    assert report.tokens.krippendorff_alpha < 0  # worse than chance: B's O where A marks
    assert [d.kind for d in report.disagreements] == ["missing", "missing"]
    assert report.unitizing.alpha is not None and report.unitizing.alpha < 0


def test_one_annotator_compares_with_nobody(tokenize) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCES[0].text
    marks = spans_of(text, [("Berlin", "LOC")])
    report = agreement(AgreementInput([article(text, tokenize(text), A=marks, B=[])]), ["A"])
    assert report.spans == {"strict": {}, "lenient": {}}
    assert report.tokens.fleiss_kappa is None and report.tokens.krippendorff_alpha is None
    assert report.unitizing.alpha is None
    assert len(report.disagreements) == 0


def test_duplicate_spans_count_once(tokenize) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCES[0].text
    berlin = spans_of(text, [("Berlin", "LOC")])
    report = agreement(AgreementInput([article(text, tokenize(text), A=berlin * 2, B=berlin)]))
    assert report.span_scores("A", "B", "strict").micro.f1 == 1.0


def test_bad_input_is_refused(tokenize) -> None:  # type: ignore[no-untyped-def]
    text = SENTENCES[0].text
    tokens = tokenize(text)
    with pytest.raises(InvalidSpan, match="outside the text"):
        agreement(AgreementInput([article(text, tokens, A=[Span(50, 99, "PER")], B=[])]))
    with pytest.raises(InvalidSpan, match="empty"):
        agreement(AgreementInput([article(text, tokens, A=[Span(3, 3, "PER")], B=[])]))
    with pytest.raises(AnnotatorError, match="no spans for 'C'"):
        agreement(AgreementInput([article(text, tokens, A=[], B=[])]), ["A", "C"])
    with pytest.raises(AnnotatorError, match="out of order"):
        agreement(AgreementInput([article(text, tokens[::-1], A=[], B=[])]))


def test_tokens_may_come_as_an_array(tokenize) -> None:  # type: ignore[no-untyped-def]
    data = french_input(tokenize)
    as_arrays = AgreementInput(
        [ArticleInput(a.id, a.text, np.array(a.tokens), a.spans) for a in data.articles]
    )
    assert agreement(as_arrays).tokens == agreement(data).tokens


def test_report_as_json(tokenize) -> None:  # type: ignore[no-untyped-def]
    report = agreement(french_input(tokenize))
    out = json.loads(json.dumps(report.to_json()))
    assert out["annotators"] == list(ANNOTATORS)
    strict = out["spans"]["strict"]
    assert strict["micro"]["alice"]["bruno"]["f1"] == report.span_scores("alice", "bruno").micro.f1
    assert set(strict["by_label"]) == set(report.labels)
    assert set(strict["by_article"]) == set(report.articles)
    kappa = out["tokens"]["cohen_kappa"]
    assert (
        kappa["alice"]["bruno"] == kappa["bruno"]["alice"] == report.tokens.kappa("alice", "bruno")
    )
    assert "alice" not in kappa["alice"]  # no diagonal
    assert out["tokens"]["by_article"]["s0"]["tokens"] == 10  # the Macron sentence
    assert out["unitizing"]["by_label"]["PER"]["alpha"] == report.unitizing_by_label["PER"].alpha
    assert out["disagreements"] == [d.to_json() for d in report.disagreements]
    assert len(out["disagreements"]) == len(report.disagreements) > 0


# --- unitizing alpha ----------------------------------------------------------------------


def test_u_alpha_krippendorff_2004_example() -> None:
    """Krippendorff (2004), Content Analysis 2nd ed., p. 254; values as DKPro's tests
    reproduce them. Continuum 150..450 (L = 300), two observers, categories c and k.

    Category c — observer i: [225,295) [370,400); observer j: [220,300) [355,375) [400,420).
    Segment pairs with a non-zero distance:
      [225,295) vs [220,300): 5² + 5² = 50
      [370,400) vs [355,375): 15² + 25² = 850
      j's [400,420) inside i's gap [400,450): 20² = 400
    D_o = 2·1300 / (2·1·300²) = 0.014444.
    D_e: N_c = 5 units of lengths 70, 30, 80, 20, 20; gaps 75, 75, 50 (i) and 70, 55, 25, 30 (j).
      4·l(l−1)(2l−1)/3 + l²·Σ_{gap ≥ l}(gap − l + 1):
      70: 895160 + 4900·13 = 958860;  30: 68440 + 900·181 = 231340;  80: 1339840 + 0
      20 (twice): 19760 + 400·247 = 118560
      sum 2767160; ·2/300; / (600·599 − Σ l(l−1) = 359400 − 12780 = 346620) = 0.053222.
    cu-alpha = 1 − 0.014444/0.053222 = 0.7286.
    """
    i = [(225, 295, "c"), (370, 400, "c"), (180, 240, "k"), (300, 350, "k")]
    j = [(220, 300, "c"), (355, 375, "c"), (400, 420, "c"), (180, 240, "k"), (300, 350, "k")]
    shift = [[(s - 150, e - 150, c) for s, e, c in units] for units in (i, j)]
    overall, by = unitizing_alpha_by_category(300, shift)
    assert by["c"].observed == pytest.approx(1300 / 90000)
    assert by["c"].expected == pytest.approx(2767160 * 2 / 300 / 346620)
    assert by["c"].alpha == pytest.approx(0.7286, abs=1e-4)
    assert by["k"].observed == 0.0
    assert by["k"].expected == pytest.approx(0.0490, abs=1e-4)
    assert by["k"].alpha == 1.0
    # Over both categories D_o and D_e are averaged: 1 − 0.0072222/0.0511002 = 0.8587.
    # DKPro's test expects 0.8591 ± 0.0005.
    assert overall.observed == pytest.approx((1300 / 90000 + 0) / 2)
    assert overall.alpha == pytest.approx(0.8587, abs=1e-4)
    assert overall.alpha == pytest.approx(0.8591, abs=5e-4)


def test_u_alpha_krippendorff_1995_example() -> None:
    """Krippendorff (1995), Sociological Methodology 25, p. 57: four pairs of coders over
    24 positions. D_o is exact; D_e of the paper is for a continuous continuum, which a
    fine discretisation approaches (DKPro's test stretches by 50000, with the same
    tolerances as here)."""
    pairs = {
        "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)]),
        "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
        "C": ([(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
        "D": (
            [(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
            [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
        ),
    }

    def study(stretch: int) -> list[list[tuple[int, int, str]]]:
        return [
            [(b * stretch, (b + n) * stretch, c) for c, units in pairs.items() for b, n in units[r]]
            for r in (0, 1)
        ]

    _, exact = unitizing_alpha_by_category(24, study(1))
    observed = {"A": 0.03125, "B": 2.26736, "C": 0.02777, "D": 0.38715}
    for c, value in observed.items():
        assert exact[c].observed == pytest.approx(value, abs=1e-5)
    _, fine = unitizing_alpha_by_category(24 * 50000, study(50000))
    expected = {"A": 0.06990, "B": 1.17731, "C": 0.08642, "D": 0.41445}
    alpha = {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}
    for c in pairs:
        assert fine[c].observed == pytest.approx(observed[c], abs=1e-5)
        assert fine[c].expected == pytest.approx(expected[c], abs=5e-3)
        assert fine[c].alpha == pytest.approx(alpha[c], abs=2e-2)


def test_u_alpha_small_case_by_hand() -> None:
    """Ten positions; rater 0 marks [1,9), rater 1 marks [2,3) [4,5) [6,7) (DKPro's example).
    D_o: [1,9) against each of rater 1's units: 1²+6² = 37, 3²+4² = 25, 5²+2² = 29; no unit
         lies inside a gap of the other. D_o = 2·91 / (2·1·10²) = 0.91.
    D_e: N = 4, lengths 8, 1, 1, 1; gaps 1, 1 (rater 0) and 2, 1, 1, 3 (rater 1).
         l = 8: 3·(2·512 − 3·64 + 8)/3 = 840, no gap that long;
         l = 1: 0 + 1·(1+1+2+1+1+3) = 9, three times: 27.
         D_e = 867·2/10 / (20·19 − 8·7) = 173.4 / 324 = 0.535185.
    alpha = 1 − 0.91 / 0.535185 = −0.7003."""
    result = unitizing_alpha(10, [[(1, 9)], [(2, 3), (4, 5), (6, 7)]])
    assert result.observed == pytest.approx(0.91)
    assert result.expected == pytest.approx(173.4 / 324)
    assert result.alpha == pytest.approx(1 - 0.91 / (173.4 / 324))
    assert result.alpha == pytest.approx(-0.7003, abs=1e-4)
    # One unit by one of three raters: D_o = D_e, alpha 0 (DKPro's testSingleAnnotationUnit).
    assert unitizing_alpha(20, [[(0, 1)], [], []]).alpha == pytest.approx(0.0, abs=EXACT)
    # No unit at all: undefined (DKPro gives NaN).
    assert unitizing_alpha(20, [[], [], []]).alpha is None


def test_u_alpha_leaves_out_a_unit_overlapping_the_same_raters_earlier_one() -> None:
    # As INCEpTION does: [0,10) is kept; [5,12) overlaps it and is left out; so is
    # [11,15), which overlaps the left-out [5,12).
    kept = unitizing_alpha(30, [[(0, 10)], [(0, 10)]])
    crowded = unitizing_alpha(30, [[(0, 10), (5, 12), (11, 15)], [(0, 10)]])
    assert crowded == kept


def literal_u_alpha(length: int, raters: list[list[tuple[int, int]]]) -> tuple[Fraction, Fraction]:
    """D_o and D_e of one category, written from Krippendorff's formulas, segment by segment,
    in exact fractions."""
    m = len(raters)
    segments = []
    for units in raters:
        cuts, at = [], 0
        for s, e in sorted(units):
            if s > at:
                cuts.append((at, s - at, False))
            cuts.append((s, e - s, True))
            at = e
        if at < length:
            cuts.append((at, length - at, False))
        segments.append(cuts)

    def distance(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
        (bg, lg, ug), (bh, lh, uh) = g, h
        if ug and uh and -lg < bg - bh < lh:
            return (bg - bh) ** 2 + (bg + lg - bh - lh) ** 2
        if ug and not uh and lh - lg >= bg - bh >= 0:
            return lg**2
        if not ug and uh and lh - lg <= bg - bh <= 0:
            return lh**2
        return 0

    total = sum(
        distance(g, h)
        for i in range(m)
        for j in range(m)
        if i != j
        for g in segments[i]
        for h in segments[j]
    )
    observed = Fraction(total, m * (m - 1) * length**2)
    units = [g for s in segments for g in s if g[2]]
    gaps = [g[1] for s in segments for g in s if not g[2]]
    n = len(units)
    numerator = sum(
        Fraction((n - 1) * (2 * size**3 - 3 * size**2 + size), 3)
        + size**2 * sum(gap - size + 1 for gap in gaps if gap >= size)
        for _, size, _ in units
    )
    denominator = m * length * (m * length - 1) - sum(size * (size - 1) for _, size, _ in units)
    return observed, Fraction(2, length) * numerator / denominator


@st.composite
def unitizations(draw: st.DrawFn) -> tuple[int, list[list[tuple[int, int]]]]:
    length = draw(st.integers(1, 40))
    raters = []
    for _ in range(draw(st.integers(2, 4))):
        cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
        pieces = list(pairwise(cuts))
        # Every other piece between cut points is a unit: units never overlap, may touch.
        chosen = draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces)))
        raters.append([p for p, keep in zip(pieces, chosen, strict=True) if keep])
    return length, raters


@settings(max_examples=300, deadline=None)
@given(unitizations())
def test_u_alpha_equals_the_literal_formula(case) -> None:  # type: ignore[no-untyped-def]
    length, raters = case
    result = unitizing_alpha(length, raters)
    if not any(raters):
        assert result.alpha is None
        return
    observed, expected = literal_u_alpha(length, raters)
    assert result.observed == pytest.approx(float(observed), rel=EXACT, abs=EXACT)
    assert result.expected == pytest.approx(float(expected), rel=EXACT, abs=EXACT)
    if expected:
        assert result.alpha == pytest.approx(float(1 - observed / expected), rel=1e-9, abs=EXACT)


def test_u_alpha_of_a_corpus_is_one_continuum(tokenize) -> None:  # type: ignore[no-untyped-def]
    data = french_input(tokenize)
    report = agreement(data)
    starts = np.cumsum([0] + [len(a.text) for a in data.articles])
    units = [
        [
            (s.start + starts[k], s.end + starts[k], s.label)
            for k, a in enumerate(data.articles)
            for s in a.spans[n]
        ]
        for n in ANNOTATORS
    ]
    overall, by = unitizing_alpha_by_category(int(starts[-1]), units)
    assert report.unitizing.alpha == pytest.approx(overall.alpha, abs=EXACT)
    for label, value in by.items():
        assert report.unitizing_by_label[label].alpha == pytest.approx(value.alpha, abs=EXACT)


# --- disagreements ------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(corpora())
def test_disagreements_cover_every_span_not_all_share(case) -> None:  # type: ignore[no-untyped-def]
    data, names = case
    report = agreement(data)
    listed = report.disagreements
    assert listed.to_json() == [d.to_json() for d in listed]
    assert [d.to_json() for d in listed[1:3]] == [d.to_json() for d in list(listed)[1:3]]
    for art in data.articles:
        keys = {n: {(s.start, s.end, s.label) for s in art.spans[n]} for n in names}
        shared = set.intersection(*keys.values())
        mine = report.disagreements.in_article(art.id)
        said = {n: {(s.start, s.end, s.label) for d in mine for s in d.said[n]} for n in names}
        for n in names:
            # Every span someone lacks is in a disagreement; a listed span is the
            # annotator's own, and lies in the listed range.
            assert keys[n] - shared <= said[n] <= keys[n]
        for d in mine:
            assert all(d.start <= s.start and s.end <= d.end for v in d.said.values() for s in v)
            sets = [{(s.start, s.end, s.label) for s in v} for v in d.said.values()]
            assert any(x != sets[0] for x in sets)  # they really differ there
