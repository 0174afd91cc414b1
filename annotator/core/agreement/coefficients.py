"""Chance-corrected agreement coefficients for nominal categories.

Each coefficient is computed from counts (its sufficient statistics), so the
same code gives one value for the corpus or one per article at once: the
``*_from_*`` functions take arrays with any leading axes and return NaN where
the coefficient is undefined. The plain functions take per-unit data, like
the libraries the tests compare them with, and return None when undefined.

All three are undefined when only one category occurs: chance agreement is
then certain and the ratio is 0/0 (scikit-learn and statsmodels give NaN,
the `krippendorff` package raises).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

Array = np.ndarray


def cohen_kappa_from_confusion(confusion: Array) -> Array:
    """Cohen's kappa from confusion matrices on the last two axes.

    κ = (p_o − p_e) / (1 − p_e), where p_o is the share of units both raters
    put in the same category and p_e = Σ_k p_A(k)·p_B(k) the agreement
    expected from each rater's own category shares (Cohen 1960, "A
    coefficient of agreement for nominal scales", Educ. Psychol. Meas. 20).
    Computed as (n·Σ agree − Σ r_k c_k) / (n² − Σ r_k c_k) in integers, so
    perfect agreement gives exactly 1.
    """
    confusion = np.asarray(confusion, dtype=np.int64)
    n = confusion.sum(axis=(-2, -1))
    agree = np.trace(confusion, axis1=-2, axis2=-1)
    chance = (confusion.sum(axis=-1) * confusion.sum(axis=-2)).sum(axis=-1)
    numerator = n * agree - chance
    denominator = n * n - chance
    return _ratio(numerator, denominator)


def fleiss_kappa_from_stats(units: Array, raters: int, squares: Array, totals: Array) -> Array:
    """Fleiss' kappa from N units each rated by the same `raters` raters.

    With n_ij the raters putting unit i in category j: P_i = (Σ_j n_ij² − m) /
    (m(m − 1)), P̄ the mean of P_i, p_j = Σ_i n_ij / (N·m), P̄_e = Σ_j p_j²,
    κ = (P̄ − P̄_e) / (1 − P̄_e) (Fleiss 1971, "Measuring nominal scale
    agreement among many raters", Psychol. Bull. 76(5)). `squares` is
    Σ_i Σ_j n_ij² and `totals` holds Σ_i n_ij on its last axis.
    """
    units = np.asarray(units, dtype=np.float64)
    totals = np.asarray(totals, dtype=np.int64)
    values = totals.sum(axis=-1)
    if raters < 2:
        return np.full(np.shape(units), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = (squares - units * raters) / (units * raters * (raters - 1))
        expected = (totals * totals).sum(axis=-1) / (values.astype(np.float64) ** 2)
        kappa = (observed - expected) / (1 - expected)
    # Undefined with no unit or a single category: decided in integers, not by rounding.
    undefined = (values == 0) | ((totals * totals).sum(axis=-1) == values * values)
    return np.where(undefined, np.nan, kappa)


def alpha_from_stats(pairable: Array, disagreeing: Array, totals: Array) -> Array:
    """Krippendorff's alpha for nominal data from its coincidence sums.

    α = 1 − D_o / D_e = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, where
    o_ck = Σ_u (values c, k paired in unit u) / (m_u − 1) over units with at
    least two values, n_c = Σ_k o_ck and n = Σ_c n_c (Krippendorff 2011,
    "Computing Krippendorff's alpha-reliability"; Krippendorff 2013, Content
    Analysis, 3rd ed., ch. 12). `pairable` is n, `disagreeing` is
    Σ_{c≠k} o_ck = Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1), `totals` holds n_c.
    """
    pairable = np.asarray(pairable, dtype=np.float64)
    totals = np.asarray(totals, dtype=np.int64)
    spread = pairable * pairable - (totals * totals).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (pairable - 1) * disagreeing / spread
    return np.where(spread > 0, alpha, np.nan)


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters' categories for the same units; None if undefined."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same units")
    codes = _codes(list(a) + list(b))
    k = int(codes.max()) + 1 if len(codes) else 1
    pairs = codes[: len(a)] * k + codes[len(a) :]
    confusion = np.bincount(pairs, minlength=k * k).reshape(k, k)
    return _scalar(cohen_kappa_from_confusion(confusion))


def fleiss_kappa(counts: Array | Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa from a units × categories table of how many raters chose each."""
    table = np.asarray(counts, dtype=np.int64).reshape(-1, np.shape(counts)[-1])
    raters = table.sum(axis=1)
    if len(table) and (raters != raters[0]).any():
        raise ValueError("Fleiss' kappa needs the same number of raters for every unit")
    m = int(raters[0]) if len(table) else 0
    squares = (table * table).sum()
    return _scalar(fleiss_kappa_from_stats(np.float64(len(table)), m, squares, table.sum(axis=0)))


def krippendorff_alpha_nominal(counts: Array | Sequence[Sequence[int]]) -> float | None:
    """Nominal alpha from a units × categories table of value counts.

    Units may have different numbers of values (missing values); units with
    fewer than two values cannot be paired and are left out, as the
    definition says.
    """
    table = np.asarray(counts, dtype=np.int64).reshape(-1, np.shape(counts)[-1])
    values = table.sum(axis=1)
    table, values = table[values >= 2], values[values >= 2]
    disagreeing = ((values * values - (table * table).sum(axis=1)) / (values - 1)).sum()
    return _scalar(alpha_from_stats(np.float64(values.sum()), disagreeing, table.sum(axis=0)))


def _ratio(numerator: Array, denominator: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(numerator, dtype=np.float64) / denominator
    return np.where(np.asarray(denominator) != 0, out, np.nan)


def _scalar(value: Array) -> float | None:
    number = float(value)
    return None if np.isnan(number) else number


def _codes(values: list[Hashable]) -> Array:
    index: dict[Hashable, int] = {}
    return np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values)
    )


def nan_to_none(values: Array) -> list[float | None]:
    """Plain floats for a report, with None where a coefficient is undefined."""
    floats = np.atleast_1d(np.asarray(values, dtype=np.float64)).tolist()
    return [None if v != v else v for v in floats]
