"""Span-level precision, recall and F1 between two annotators.

F1 between two annotators, one taken as reference, is a standard agreement
measure for span annotation when the number of negative cases is undefined
(Hripcsak & Rothschild 2005, "Agreement, the F-measure, and reliability in
information retrieval", JAMIA 12(3)). F1 is symmetric; precision and recall
swap when the annotators swap roles.

- strict: a match has the same start, end and label.
- lenient: a match has the same label and at least one character in common.

Every span is matched at most once. Strict matches are one-to-one by nature
(one annotator's duplicates are dropped). Lenient matches are a one-to-one
matching that first has as many matched pairs as possible, then as many
overlapping characters as possible (the assignment problem, solved with
scipy's `linear_sum_assignment`); so "Jean-Pierre Dupont" against "Jean-Pierre"
and "Dupont" counts one match, one miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from annotator.core.agreement.columns import Corpus
from annotator.core.agreement.intervals import overlap_pairs

Array = np.ndarray
Mode = Literal["strict", "lenient"]
MODES: tuple[Mode, ...] = ("strict", "lenient")


@dataclass(frozen=True, slots=True)
class SpanCounts:
    """How many spans the reference and the prediction have, and how many matched.

    A ratio whose denominator is zero is None: with no predicted span,
    precision says nothing; with no span on either side, neither does F1.
    """

    matched: int
    reference: int
    predicted: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.reference if self.reference else None

    @property
    def f1(self) -> float | None:
        """2·matched / (reference + predicted): the harmonic mean of precision and recall."""
        total = self.reference + self.predicted
        return 2 * self.matched / total if total else None

    def swapped(self) -> SpanCounts:
        return SpanCounts(self.matched, self.predicted, self.reference)

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "matched": self.matched,
            "reference": self.reference,
            "predicted": self.predicted,
        }


@dataclass(frozen=True, slots=True)
class SpanScores:
    """`prediction`'s spans scored against `reference`'s, in one mode."""

    reference: str
    prediction: str
    mode: Mode
    micro: SpanCounts  # all labels and articles pooled
    by_label: dict[str, SpanCounts]
    by_article: dict[str, SpanCounts]

    def swapped(self) -> SpanScores:
        return SpanScores(
            self.prediction,
            self.reference,
            self.mode,
            self.micro.swapped(),
            {k: v.swapped() for k, v in self.by_label.items()},
            {k: v.swapped() for k, v in self.by_article.items()},
        )


Matches = dict[Mode, tuple[Array, Array]]


def matched_pairs(corpus: Corpus, a: str, b: str, mode: Mode) -> tuple[Array, Array]:
    """Indices into a's and b's span tables of the pairs that match, one-to-one."""
    return all_matches(corpus, a, b)[mode]


def all_matches(corpus: Corpus, a: str, b: str) -> Matches:
    """Both modes' matched pairs (indices into a's and b's span tables)."""
    # Label bands keep spans of different labels apart; strict matches overlap too.
    xs, xe = corpus.keyed(corpus.spans[a])
    ys, ye = corpus.keyed(corpus.spans[b])
    i, j = overlap_pairs(xs, xe, ys, ye)
    same = (xs[i] == ys[j]) & (xe[i] == ye[j])
    overlap = np.minimum(xe[i], ye[j]) - np.maximum(xs[i], ys[j])
    chosen = one_to_one(i, j, overlap)
    return {"strict": (i[same], j[same]), "lenient": (i[chosen], j[chosen])}


def one_to_one(i: Array, j: Array, weight: Array) -> Array:
    """Mask of edges forming a maximum matching, heaviest among those of maximum size.

    Most spans overlap one span at most, so most edges are matched at once;
    stars (one span overlapping several that overlap nothing else) take
    their heaviest edge; only what is left goes to the assignment solver,
    one connected component at a time.
    """
    chosen = np.zeros(len(i), dtype=bool)
    if not len(i):
        return chosen
    deg_i = np.bincount(i)
    deg_j = np.bincount(j)
    chosen = (deg_i[i] == 1) & (deg_j[j] == 1)
    rest = ~chosen
    if not rest.any():
        return chosen
    i_shared = np.bincount(i, weights=deg_j[j] > 1, minlength=len(deg_i)) > 0
    j_shared = np.bincount(j, weights=deg_i[i] > 1, minlength=len(deg_j)) > 0
    star_i = rest & ~i_shared[i]  # i's partners overlap nothing else
    star_j = rest & ~j_shared[j]
    chosen |= _heaviest_per(i, j, weight, star_i)
    chosen |= _heaviest_per(j, i, weight, star_j)
    tangled = rest & ~star_i & ~star_j
    if tangled.any():
        chosen[np.flatnonzero(tangled)[_assign(i[tangled], j[tangled], weight[tangled])]] = True
    return chosen


def _heaviest_per(center: Array, other: Array, weight: Array, mask: Array) -> Array:
    """For the edges in mask, the heaviest edge of each center (ties: the lowest other)."""
    out = np.zeros(len(center), dtype=bool)
    edges = np.flatnonzero(mask)
    if not len(edges):
        return out
    order = edges[np.lexsort((other[edges], -weight[edges], center[edges]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = center[order][1:] != center[order][:-1]
    out[order[first]] = True
    return out


def _assign(i: Array, j: Array, weight: Array) -> Array:
    """Indices of the edges chosen by the assignment solver, per connected component."""
    ui, li = np.unique(i, return_inverse=True)
    uj, lj = np.unique(j, return_inverse=True)
    nodes = len(ui) + len(uj)
    graph = coo_matrix((np.ones(len(i)), (li, lj + len(ui))), shape=(nodes, nodes))
    _, component = connected_components(graph, directed=False)
    edge_component = component[li]
    order = np.argsort(edge_component, kind="stable")
    bounds = np.flatnonzero(np.diff(edge_component[order])) + 1
    picked: list[Array] = []
    for edges in np.split(order, bounds):
        rows, ri = np.unique(li[edges], return_inverse=True)
        cols, ci = np.unique(lj[edges], return_inverse=True)
        # Any edge outweighs all overlaps together: size first, then overlap.
        big = float(weight[edges].sum()) + 1.0
        matrix = np.zeros((len(rows), len(cols)))
        matrix[ri, ci] = big + weight[edges]
        r, c = linear_sum_assignment(matrix, maximize=True)
        lookup = {(int(x), int(y)): int(e) for x, y, e in zip(ri, ci, edges, strict=True)}
        chosen = zip(r.tolist(), c.tolist(), strict=True)
        picked.append(np.array([lookup[p] for p in chosen if p in lookup], dtype=np.int64))
    return np.concatenate(picked).astype(np.int64)


def pair_scores(
    corpus: Corpus, a: str, b: str, matches: Matches | None = None
) -> dict[Mode, SpanScores]:
    """Both modes' scores of b against a as reference (swap them for a against b).

    `matches`: `all_matches(corpus, a, b)` when the caller has it already.
    """
    A, B = corpus.spans[a], corpus.spans[b]
    n_articles, n_labels = len(corpus.ids), len(corpus.labels)
    cells = n_articles * n_labels
    reference = np.bincount(A.article * n_labels + A.label, minlength=cells)
    predicted = np.bincount(B.article * n_labels + B.label, minlength=cells)
    reference = reference.reshape(n_articles, n_labels)
    predicted = predicted.reshape(n_articles, n_labels)
    out: dict[Mode, SpanScores] = {}
    for mode, (i, _) in (matches or all_matches(corpus, a, b)).items():
        matched = np.bincount(A.article[i] * n_labels + A.label[i], minlength=cells)
        matched = matched.reshape(n_articles, n_labels)
        out[mode] = SpanScores(
            a,
            b,
            mode,
            SpanCounts(int(matched.sum()), int(reference.sum()), int(predicted.sum())),
            _counts(corpus.labels, matched.sum(0), reference.sum(0), predicted.sum(0)),
            _counts(corpus.ids, matched.sum(1), reference.sum(1), predicted.sum(1)),
        )
    return out


def _counts(
    keys: tuple[str, ...], matched: Array, reference: Array, predicted: Array
) -> dict[str, SpanCounts]:
    rows = zip(keys, matched.tolist(), reference.tolist(), predicted.tolist(), strict=True)
    return {key: SpanCounts(m, r, p) for key, m, r, p in rows}
