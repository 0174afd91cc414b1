"""Agreement reports as a whole: span matching, properties, disagreements and edge cases."""

from __future__ import annotations

import json
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings

from annotator.core.agreement import AgreementInput, ArticleInput, agreement
from annotator.core.agreement.columns import build_corpus
from annotator.core.agreement.spans import matched_pairs, one_to_one
from annotator.core.agreement.tokens import token_labels
from annotator.core.errors import AnnotatorError, InvalidSpan
from annotator.core.records import Span
from tests.core.agreement_cases import ANNOTATORS, SENTENCES, french_input, spans_of
from tests.core.agreement_helpers import article, corpora, library_values, same
from tests.core.agreement_helpers import tokenize as tokenize  # a pytest fixture

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
