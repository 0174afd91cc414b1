"""Krippendorff's unitizing alpha (u-alpha) over a character continuum.

This is the coefficient of Krippendorff (1995, "On the reliability of
unitizing contiguous data", Sociological Methodology 25) in the form given in
Krippendorff (2004, Content Analysis, 2nd ed., §11.6), as implemented by DKPro
Agreement's `KrippendorffAlphaUnitizingAgreement` (Meyer et al. 2014) and used
by INCEpTION. For one category c, each of m raters cuts the continuum
[0, L) into units of c and the gaps between them. For a segment g of rater i
and h of rater j (begin b, length l):

    δ²(g, h) = (b_g − b_h)² + (b_g + l_g − b_h − l_h)²  both units, overlapping
             = l_g²                                    g a unit inside gap h
             = l_h²                                    h a unit inside gap g
             = 0                                       otherwise

    D_o = Σ_{i≠j} Σ_g Σ_h δ²(g, h) / (m (m − 1) L²)

    D_e = (2/L) Σ_units u [ (N_c − 1)(2l_u³ − 3l_u² + l_u)/3
                            + l_u² Σ_{gaps h, l_h ≥ l_u} (l_h − l_u + 1) ]
          / [ mL(mL − 1) − Σ_units u l_u(l_u − 1) ]

with N_c the units of c of all raters and the gaps those of all raters.
cu-alpha = 1 − D_o/D_e. Over all categories, D_o and D_e are averaged over
the categories that have units, and u-alpha = 1 − D_o/D_e (as DKPro does).

The later family of Krippendorff (2013, 3rd ed.) and Krippendorff et al.
(2016, "On the reliability of unitizing textual continua", Quality &
Quantity 50) — |u-alpha, cu-alpha, (k)u-alpha with a category distance — is
not implemented.

Computed without walking segments: a unit of i lies inside a gap of j
exactly when it overlaps no unit of j, so D_o needs only the overlapping
unit pairs; D_e needs the gap lengths sorted once and a cumulative sum.
Two units of one rater and category may not overlap (the definition needs
a partition); as INCEpTION does, a unit overlapping an earlier one (by start,
longer first) of the same rater and category is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from annotator.core.agreement.columns import Corpus
from annotator.core.agreement.intervals import clear_of_earlier, overlap_pairs

Array = np.ndarray


@dataclass(frozen=True, slots=True)
class UnitizingAlpha:
    """u-alpha with its observed and expected disagreement; None where undefined.

    Undefined with fewer than two raters, an empty continuum or no unit at all
    (DKPro gives 0 for a category without units and NaN for a study without
    units; here both are None).
    """

    alpha: float | None
    observed: float | None
    expected: float | None
    units: int  # units counted, same-label overlaps within an annotator left out

    def to_json(self) -> dict[str, Any]:
        return {
            "alpha": self.alpha,
            "observed": self.observed,
            "expected": self.expected,
            "units": self.units,
        }


@dataclass(frozen=True, slots=True)
class _Units:
    """All raters' units: rater index, category index, start and end."""

    rater: Array
    category: Array
    start: Array
    end: Array


def unitizing_alpha(length: int, raters: Sequence[Sequence[tuple[int, int]]]) -> UnitizingAlpha:
    """u-alpha of one category: each rater's units as (start, end), end exclusive."""
    overall, _ = unitizing_alpha_by_category(
        length, [[(s, e, "unit") for s, e in units] for units in raters]
    )
    return overall


def unitizing_alpha_by_category(
    length: int, raters: Sequence[Sequence[tuple[int, int, str]]]
) -> tuple[UnitizingAlpha, dict[str, UnitizingAlpha]]:
    """u-alpha over all categories and for each: units as (start, end, category)."""
    names = sorted({c for units in raters for _, _, c in units})
    index = {c: k for k, c in enumerate(names)}
    flat = [(r, index[c], s, e) for r, units in enumerate(raters) for s, e, c in units]
    columns = np.array(flat, dtype=np.int64).reshape(-1, 4)
    units = _Units(columns[:, 0], columns[:, 1], columns[:, 2], columns[:, 3])
    if ((units.start < 0) | (units.end <= units.start) | (units.end > length)).any():
        raise ValueError("every unit must be non-empty and inside the continuum")
    return _alpha(length, len(raters), units, tuple(names))


def corpus_unitizing_alpha(corpus: Corpus) -> tuple[UnitizingAlpha, dict[str, UnitizingAlpha]]:
    """u-alpha per label with the corpus as one continuum (articles end to end, in order)."""
    tables = [corpus.spans[name] for name in corpus.annotators]
    units = _Units(
        np.concatenate([np.full(len(t), r, dtype=np.int64) for r, t in enumerate(tables)]),
        np.concatenate([t.label for t in tables]),
        np.concatenate([t.start for t in tables]),
        np.concatenate([t.end for t in tables]),
    )
    return _alpha(corpus.length, len(tables), units, corpus.labels)


def _alpha(
    length: int, m: int, units: _Units, names: tuple[str, ...]
) -> tuple[UnitizingAlpha, dict[str, UnitizingAlpha]]:
    units = _partition(units, length)
    n_units = np.bincount(units.category, minlength=len(names))
    if m < 2 or length == 0:
        nothing = UnitizingAlpha(None, None, None, int(n_units.sum()))
        return nothing, {
            c: UnitizingAlpha(None, None, None, int(n))
            for c, n in zip(names, n_units.tolist(), strict=True)
        }
    observed = _observed(length, m, units, len(names))
    expected = _expected(length, m, units, len(names))
    by_category = {}
    for k, name in enumerate(names):
        if n_units[k] == 0:
            by_category[name] = UnitizingAlpha(None, None, None, 0)
        else:
            d_o, d_e = float(observed[k]), float(expected[k])
            by_category[name] = UnitizingAlpha(_one_minus(d_o, d_e), d_o, d_e, int(n_units[k]))
    present = n_units > 0
    if not present.any():
        return UnitizingAlpha(None, None, None, 0), by_category
    d_o, d_e = float(observed[present].mean()), float(expected[present].mean())
    return UnitizingAlpha(_one_minus(d_o, d_e), d_o, d_e, int(n_units.sum())), by_category


def _one_minus(observed: float, expected: float) -> float | None:
    return 1 - observed / expected if expected > 0 else None


def _partition(units: _Units, length: int) -> _Units:
    """Sort by (rater, category, start, longer first); drop same-category overlaps."""
    order = np.lexsort((-units.end, units.start, units.category, units.rater))
    rater, category = units.rater[order], units.category[order]
    start, end = units.start[order], units.end[order]
    # One band per (rater, category) on a line, so one pass finds overlaps in every band.
    band = (rater * (int(category.max(initial=0)) + 1) + category) * (length + 1)
    keep = clear_of_earlier(start + band, end + band)
    return _Units(rater[keep], category[keep], start[keep], end[keep])


def _observed(length: int, m: int, units: _Units, n_categories: int) -> Array:
    """D_o for each category."""
    total = np.zeros(n_categories)
    shift = units.category * (length + 1)  # units of different categories never meet
    for r1, r2 in combinations(range(m), 2):
        x, y = units.rater == r1, units.rater == r2
        xs, xe, xc = units.start[x], units.end[x], units.category[x]
        ys, ye, yc = units.start[y], units.end[y], units.category[y]
        i, j = overlap_pairs(xs + shift[x], xe + shift[x], ys + shift[y], ye + shift[y])
        both = (xs[i] - ys[j]).astype(np.float64) ** 2 + (xe[i] - ye[j]).astype(np.float64) ** 2
        total += np.bincount(xc[i], weights=both, minlength=n_categories)
        # A unit overlapping no unit of the other rater lies inside one of their gaps.
        alone_x = np.ones(len(xs), dtype=bool)
        alone_x[i] = False
        alone_y = np.ones(len(ys), dtype=bool)
        alone_y[j] = False
        for alone, s, e, c in ((alone_x, xs, xe, xc), (alone_y, ys, ye, yc)):
            squared = (e[alone] - s[alone]).astype(np.float64) ** 2
            total += np.bincount(c[alone], weights=squared, minlength=n_categories)
    # Each unordered pair stands for both orders (δ is symmetric).
    return 2 * total / (m * (m - 1) * float(length) ** 2)


def _expected(length: int, m: int, units: _Units, n_categories: int) -> Array:
    """D_e for each category (NaN-free: 0 for a category without units)."""
    out = np.zeros(n_categories)
    gaps = _gaps(length, m, units, n_categories)
    for k in range(n_categories):
        lengths = (units.end - units.start)[units.category == k].astype(np.float64)
        if not len(lengths):
            continue
        g = np.sort(gaps[k])
        # Σ_{g ≥ l} (g − l + 1) = (sum of those g) − (l − 1)·(their count)
        suffix = np.concatenate([np.cumsum(g[::-1])[::-1], [0.0]])
        at = np.searchsorted(g, lengths, side="left")
        fit = suffix[at] - (lengths - 1) * (len(g) - at)
        within = (len(lengths) - 1) * (2 * lengths**3 - 3 * lengths**2 + lengths) / 3
        numerator = 2 / length * float((within + lengths**2 * fit).sum())
        denominator = m * length * (m * length - 1.0) - float((lengths * (lengths - 1)).sum())
        out[k] = numerator / denominator
    return out


def _gaps(length: int, m: int, units: _Units, n_categories: int) -> list[Array]:
    """Every rater's gap lengths for each category (units sorted by rater, category, start)."""
    group = units.rater * n_categories + units.category
    first = np.ones(len(group), dtype=bool)
    first[1:] = group[1:] != group[:-1]
    last = np.ones(len(group), dtype=bool)
    last[:-1] = group[1:] != group[:-1]
    previous_end = np.zeros(len(group), dtype=np.int64)
    previous_end[1:] = units.end[:-1]
    previous_end[first] = 0
    before = units.start - previous_end
    after = length - units.end[last]
    lengths = np.concatenate([before, after]).astype(np.float64)
    category = np.concatenate([units.category, units.category[last]])
    # A rater without a unit of a category has one gap: the whole continuum.
    with_units = np.zeros((m, n_categories), dtype=bool)
    with_units[units.rater, units.category] = True
    empty = np.bincount(np.nonzero(~with_units)[1], minlength=n_categories)
    out = []
    for k in range(n_categories):
        mine = lengths[(category == k) & (lengths > 0)]
        out.append(np.concatenate([mine, np.full(int(empty[k]), float(length))]))
    return out
