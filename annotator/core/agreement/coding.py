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


def coding_agreement(
    corpus: Corpus, codes: dict[str, Array], categories: int
) -> tuple[TokenAgreement, dict[str, TokenAgreement]]:
    """Agreement over all tokens, and for each article, from each annotator's token codes."""
    annotators = corpus.annotators
    m = len(annotators)
    k = categories
    article = corpus.token_article
    n_articles = len(corpus.ids)
    units = np.bincount(article, minlength=n_articles)
    totals = np.zeros((n_articles, k), dtype=np.int64)
    for name in annotators:
        totals += np.bincount(article * k + codes[name], minlength=n_articles * k).reshape(-1, k)
    pairs = list(combinations(annotators, 2))
    confusion = {
        (a, b): np.bincount(
            (article * k + codes[a]) * k + codes[b], minlength=n_articles * k * k
        ).reshape(n_articles, k, k)
        for a, b in pairs
    }
    agree = {pair: np.trace(c, axis1=1, axis2=2) for pair, c in confusion.items()}
    # Σ_j n_ij² over a unit's categories is m plus twice the pairs that agree on it.
    squares = units * m + 2 * sum(agree.values(), np.zeros(n_articles, dtype=np.int64))

    def measures(units: Array, squares: Array, totals: Array, confusion: dict, agree: dict):
        with np.errstate(divide="ignore", invalid="ignore"):
            observed = {p: agree[p] / units for p in pairs}
        kappa = {p: cohen_kappa_from_confusion(confusion[p]) for p in pairs}
        if m < 2:
            nothing = np.full(np.shape(units), np.nan)
            return observed, kappa, nothing, nothing
        fleiss = fleiss_kappa_from_stats(units, m, squares, totals)
        alpha = alpha_from_stats(units * m, (units * m * m - squares) / (m - 1), totals)
        return observed, kappa, fleiss, alpha

    observed, kappa, fleiss, alpha = measures(
        units.sum(),
        squares.sum(),
        totals.sum(axis=0),
        {p: c.sum(axis=0) for p, c in confusion.items()},
        {p: a.sum() for p, a in agree.items()},
    )
    overall = TokenAgreement(
        int(units.sum()),
        {p: nan_to_none(v)[0] for p, v in observed.items()} if pairs else {},
        {p: nan_to_none(v)[0] for p, v in kappa.items()},
        nan_to_none(fleiss)[0],
        nan_to_none(alpha)[0],
    )
    observed, kappa, fleiss, alpha = measures(units, squares, totals, confusion, agree)
    columns = [nan_to_none(observed[p]) for p in pairs], [nan_to_none(kappa[p]) for p in pairs]
    fleiss_list, alpha_list = nan_to_none(fleiss), nan_to_none(alpha)
    by_article = {
        article_id: TokenAgreement(
            int(units[g]),
            {p: columns[0][x][g] for x, p in enumerate(pairs)},
            {p: columns[1][x][g] for x, p in enumerate(pairs)},
            fleiss_list[g],
            alpha_list[g],
        )
        for g, article_id in enumerate(corpus.ids)
    }
    return overall, by_article


def _matrix(values: dict[Pair, float | None], annotators: tuple[str, ...]) -> dict[str, Any]:
    """A symmetric pairwise value as a nested dict, both ways round, no diagonal."""
    out: dict[str, dict[str, float | None]] = {a: {} for a in annotators}
    for (a, b), value in values.items():
        out[a][b] = value
        out[b][a] = value
    return out
