"""Token-level agreement: tokens are the units, labels (or O) the categories.

Cohen's kappa for each pair of annotators, Fleiss' kappa and Krippendorff's
nominal alpha for all of them, for the whole corpus and for each article.
Every number comes from per-article confusion matrices (one `bincount` per
pair), so 10k articles cost a few array passes, not a Python loop per token.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from annotator.core.agreement.coefficients import (
    alpha_from_stats,
    cohen_kappa_from_confusion,
    fleiss_kappa_from_stats,
    nan_to_none,
)
from annotator.core.agreement.columns import Corpus

Array = np.ndarray
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class TokenAgreement:
    """Agreement over `tokens` tokens. A coefficient is None where it is undefined.

    Pairs are keyed in the order of the compared annotators; `kappa(a, b)`
    looks either way (Cohen's kappa is symmetric).
    """

    tokens: int
    observed: dict[Pair, float | None]  # share of tokens the pair labels alike
    cohen_kappa: dict[Pair, float | None]
    fleiss_kappa: float | None
    krippendorff_alpha: float | None

    def kappa(self, a: str, b: str) -> float | None:
        return self.cohen_kappa[(a, b)] if (a, b) in self.cohen_kappa else self.cohen_kappa[(b, a)]

    def to_json(self, annotators: tuple[str, ...]) -> dict[str, Any]:
        return {
            "tokens": self.tokens,
            "observed": _matrix(self.observed, annotators),
            "cohen_kappa": _matrix(self.cohen_kappa, annotators),
            "fleiss_kappa": self.fleiss_kappa,
            "krippendorff_alpha": self.krippendorff_alpha,
        }


@dataclass(frozen=True, slots=True)
class _Counts:
    """Sufficient statistics, with a leading article axis or summed over articles."""

    units: Array  # tokens
    totals: Array  # values per category, over all annotators
    confusion: dict[Pair, Array]  # pair → k × k confusion matrix
    agree: dict[Pair, Array]  # pair → tokens labelled alike

    def summed(self) -> _Counts:
        return _Counts(
            self.units.sum(axis=0),
            self.totals.sum(axis=0),
            {p: c.sum(axis=0) for p, c in self.confusion.items()},
            {p: a.sum(axis=0) for p, a in self.agree.items()},
        )


def coding_agreement(
    corpus: Corpus, codes: dict[str, Array], categories: int
) -> tuple[TokenAgreement, dict[str, TokenAgreement]]:
    """Agreement over all tokens, and for each article, from each annotator's token codes."""
    counts = _counts(corpus, codes, categories)
    m = len(corpus.annotators)
    observed, kappa, fleiss, alpha = _measures(counts.summed(), m)
    overall = TokenAgreement(
        int(counts.units.sum()),
        {p: nan_to_none(v)[0] for p, v in observed.items()},
        {p: nan_to_none(v)[0] for p, v in kappa.items()},
        nan_to_none(fleiss)[0],
        nan_to_none(alpha)[0],
    )
    observed, kappa, fleiss, alpha = _measures(counts, m)
    pairs = list(counts.confusion)
    observed_lists = [nan_to_none(observed[p]) for p in pairs]
    kappa_lists = [nan_to_none(kappa[p]) for p in pairs]
    fleiss_list, alpha_list = nan_to_none(fleiss), nan_to_none(alpha)
    units = counts.units.tolist()
    by_article = {
        article_id: TokenAgreement(
            units[g],
            {p: observed_lists[x][g] for x, p in enumerate(pairs)},
            {p: kappa_lists[x][g] for x, p in enumerate(pairs)},
            fleiss_list[g],
            alpha_list[g],
        )
        for g, article_id in enumerate(corpus.ids)
    }
    return overall, by_article


def binary_agreement(annotators: tuple[str, ...], marked: dict[str, Array]) -> TokenAgreement:
    """Agreement over all tokens with two categories: marked (True) or not.

    Used for one label at a time; the counts come from boolean arrays, which
    is much cheaper than a confusion matrix per article.
    """
    n = len(next(iter(marked.values()))) if marked else 0
    count = {name: int(np.count_nonzero(marked[name])) for name in annotators}
    confusion: dict[Pair, Array] = {}
    for a, b in combinations(annotators, 2):
        both = int(np.count_nonzero(marked[a] & marked[b]))
        only_a, only_b = count[a] - both, count[b] - both
        confusion[(a, b)] = np.array([[n - both - only_a - only_b, only_b], [only_a, both]])
    marks = sum(count.values())
    counts = _Counts(
        np.int64(n),
        np.array([n * len(annotators) - marks, marks]),
        confusion,
        {p: np.trace(c) for p, c in confusion.items()},
    )
    observed, kappa, fleiss, alpha = _measures(counts, len(annotators))
    return TokenAgreement(
        n,
        {p: nan_to_none(v)[0] for p, v in observed.items()},
        {p: nan_to_none(v)[0] for p, v in kappa.items()},
        nan_to_none(fleiss)[0],
        nan_to_none(alpha)[0],
    )


def _counts(corpus: Corpus, codes: dict[str, Array], k: int) -> _Counts:
    article = corpus.token_article
    n = len(corpus.ids)
    units = np.bincount(article, minlength=n)
    totals = np.zeros((n, k), dtype=np.int64)
    for name in corpus.annotators:
        totals += np.bincount(article * k + codes[name], minlength=n * k).reshape(n, k)
    confusion = {
        (a, b): np.bincount((article * k + codes[a]) * k + codes[b], minlength=n * k * k).reshape(
            n, k, k
        )
        for a, b in combinations(corpus.annotators, 2)
    }
    agree = {p: np.trace(c, axis1=-2, axis2=-1) for p, c in confusion.items()}
    return _Counts(units, totals, confusion, agree)


def _measures(counts: _Counts, m: int) -> tuple[dict[Pair, Array], dict[Pair, Array], Array, Array]:
    units = counts.units
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = {p: a / units for p, a in counts.agree.items()}
    kappa = {p: cohen_kappa_from_confusion(c) for p, c in counts.confusion.items()}
    if m < 2:
        nothing = np.full(np.shape(units), np.nan)
        return observed, kappa, nothing, nothing
    # Σ over a token's categories of n_ij² is m, plus 2 for each pair that agrees on it.
    squares = units * m + 2 * sum(counts.agree.values(), np.zeros_like(units))
    fleiss = fleiss_kappa_from_stats(units, m, squares, counts.totals)
    alpha = alpha_from_stats(units * m, (units * m * m - squares) / (m - 1), counts.totals)
    return observed, kappa, fleiss, alpha


def _matrix(values: dict[Pair, float | None], annotators: tuple[str, ...]) -> dict[str, Any]:
    """A symmetric pairwise value as a nested dict, both ways round, no diagonal."""
    out: dict[str, dict[str, float | None]] = {a: {} for a in annotators}
    for (a, b), value in values.items():
        out[a][b] = value
        out[b][a] = value
    return out
