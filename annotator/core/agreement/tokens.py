"""Token-level labels: each token gets one label of an annotator, or O.

A token is in a span when they share at least one character. When several
spans of one annotator cover a token, the longest span gives the label, then
the one starting first, then the label first in the scheme's order. Longest
first because nested spans are an entity inside a bigger one ("France" in
"Banque de France"): the outer span is what a flat IOB export keeps, and
the app's own cleaning keeps the longer of two overlapping suggestions.
"""

from __future__ import annotations

import numpy as np

from annotator.core.agreement.columns import Corpus

Array = np.ndarray
OUTSIDE = "O"


def token_labels(corpus: Corpus, annotator: str) -> Array:
    """One code per token: 0 for O, ``1 + index into corpus.labels`` otherwise."""
    spans = corpus.spans[annotator]
    token, span = _touched(corpus, annotator)
    # Rank spans so that the one that should win has the highest rank.
    rank_order = np.lexsort((-spans.label, -spans.start, spans.end - spans.start))
    rank = np.empty(len(rank_order), dtype=np.int64)
    rank[rank_order] = np.arange(len(rank_order))
    winner = np.full(len(corpus.token_start), -1, dtype=np.int64)
    np.maximum.at(winner, token, rank[span])
    codes = np.zeros(len(winner), dtype=np.int64)
    covered = winner >= 0
    codes[covered] = spans.label[rank_order[winner[covered]]] + 1
    return codes


def label_cover(corpus: Corpus, annotator: str) -> list[Array]:
    """For each label, the tokens some span of that label touches.

    This is the token labelling with that label's spans alone, so a token
    under both "Banque de France" (ORG) and "France" (LOC) counts for both.
    """
    token, span = _touched(corpus, annotator)
    label = corpus.spans[annotator].label[span]
    out = []
    for k in range(len(corpus.labels)):
        cover = np.zeros(len(corpus.token_start), dtype=bool)
        cover[token[label == k]] = True
        out.append(cover)
    return out


def _touched(corpus: Corpus, annotator: str) -> tuple[Array, Array]:
    """Every (token, span) pair where the span touches the token.

    Tokens are sorted and apart, so the tokens a span touches are one run,
    found by two binary searches.
    """
    spans = corpus.spans[annotator]
    lo = np.searchsorted(corpus.token_end, spans.start, side="right")
    hi = np.searchsorted(corpus.token_start, spans.end, side="left")
    n = np.maximum(hi - lo, 0)
    within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return np.repeat(lo, n) + within, np.repeat(np.arange(len(n)), n)


def categories(corpus: Corpus) -> tuple[str, ...]:
    """The names of the codes `token_labels` gives."""
    return (OUTSIDE, *corpus.labels)
