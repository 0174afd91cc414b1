"""FIGURE value agreement: do two annotators read the same figure the same way?

Span F1 judges characters and labels only: "Plus de 13 000 civils" marked by
both is a strict match even when one says 13000 (more than) and the other
1300 (exact). This measure is given next to it: over the FIGURE spans both
annotators marked with the same characters (their strict matches), the share
whose attributes (value, value_max, qualifier, unit) agree after
normalisation (`attribute_key`: 13000 and 13000.0 agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.core.agreement.columns import Corpus

Array = np.ndarray
ATTRIBUTE_LABEL = "FIGURE"  # the label whose spans carry attributes


@dataclass(frozen=True, slots=True)
class AttributeCounts:
    """`compared` FIGURE spans both marked alike, `agreed` of them with the same attributes."""

    compared: int
    agreed: int

    @property
    def agreement(self) -> float | None:
        """agreed / compared; None when they share no FIGURE span."""
        return self.agreed / self.compared if self.compared else None

    def to_json(self) -> dict[str, Any]:
        return {"agreement": self.agreement, "agreed": self.agreed, "compared": self.compared}


@dataclass(frozen=True, slots=True)
class AttributeAgreement:
    """FIGURE value agreement of one pair (symmetric), pooled and per article."""

    micro: AttributeCounts
    by_article: dict[str, AttributeCounts]


def attribute_agreement(corpus: Corpus, a: str, b: str, i: Array, j: Array) -> AttributeAgreement:
    """From a's and b's strict matches (`i`, `j` index their span tables)."""
    A, B = corpus.spans[a], corpus.spans[b]
    n = len(corpus.ids)
    if ATTRIBUTE_LABEL in corpus.labels:
        figure = A.label[i] == corpus.labels.index(ATTRIBUTE_LABEL)
    else:
        figure = np.zeros(len(i), dtype=bool)
    article = A.article[i][figure]
    same = A.attrs[i][figure] == B.attrs[j][figure]
    compared = np.bincount(article, minlength=n).tolist()
    agreed = np.bincount(article[same], minlength=n).tolist()
    return AttributeAgreement(
        AttributeCounts(sum(compared), sum(agreed)),
        {
            article_id: AttributeCounts(c, g)
            for article_id, c, g in zip(corpus.ids, compared, agreed, strict=True)
        },
    )
