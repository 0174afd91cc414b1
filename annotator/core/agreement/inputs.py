"""What agreement is computed over: articles, their tokens, each annotator's spans.

The caller reads the store and tokenizes (spaCy's French tokenizer, white space
left out, see `annotator.core.tokens.spacy_tokenizer`); everything here is plain
data, so the measures stay pure functions that a test can feed by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotator.core.records import Span

# (start, end) character offsets of tokens, in text order; a (n, 2) integer array works too.
TokenOffsets = Sequence[tuple[int, int]] | np.ndarray


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """One article every compared annotator finished.

    `spans` maps an annotator's name to their spans over `text` (Python `str`
    offsets, end exclusive). An annotator who found nothing has an empty list.
    """

    id: str
    text: str
    tokens: TokenOffsets
    spans: Mapping[str, Sequence[Span]]


@dataclass(frozen=True, slots=True)
class AgreementInput:
    """The articles to compare, in a fixed order (it is the order of the report)."""

    articles: Sequence[ArticleInput]

    @property
    def annotators(self) -> tuple[str, ...]:
        """Every annotator named in some article, in the order they first appear."""
        seen: dict[str, None] = {}
        for article in self.articles:
            seen.update(dict.fromkeys(article.spans))
        return tuple(seen)
