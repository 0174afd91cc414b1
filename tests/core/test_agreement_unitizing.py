"""Unitizing alpha, checked on Krippendorff's published examples and a literal exact formula."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.agreement import agreement, unitizing_alpha, unitizing_alpha_by_category
from tests.core.agreement_cases import ANNOTATORS, french_input
from tests.core.agreement_helpers import EXACT
from tests.core.agreement_helpers import tokenize as tokenize  # a pytest fixture


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
