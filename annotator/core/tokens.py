"""Token boundaries of a text, for snapping and moving span edges by a token.

spaCy's French tokenizer decides them when it is given (the same tokens the
exports align to); a regex stands in while it loads.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

_FALLBACK = re.compile(r"\w+|[^\w\s]")

# Something that turns a text into (start, end) token offsets.
Tokenize = Callable[[str], Iterable[tuple[int, int]]]


def regex_tokens(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _FALLBACK.finditer(text)]


def spacy_tokenizer(nlp) -> Tokenize:  # type: ignore[no-untyped-def]
    """Token offsets from a spaCy pipeline's tokenizer (white space tokens left out)."""

    def tokenize(text: str) -> list[tuple[int, int]]:
        return [(t.idx, t.idx + len(t.text)) for t in nlp.tokenizer(text) if not t.is_space]

    return tokenize


class TokenBounds:
    def __init__(self, text: str, tokenize: Tokenize = regex_tokens) -> None:
        spans = list(tokenize(text))
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen [start, end) to whole tokens; white space at the edges is dropped."""
        if not self.starts:
            return start, end
        i = bisect.bisect_right(self.starts, start) - 1  # token starting at or before start
        if i < 0 or self.ends[i] <= start:
            i += 1  # start is in white space: begin at the next token
        j = bisect.bisect_left(self.ends, end)  # token ending at or after end
        if j >= len(self.ends) or self.starts[j] >= end:
            j -= 1  # end is in white space: stop at the previous token
        if i >= len(self.starts) or j < i:
            return start, end
        return self.starts[i], self.ends[j]

    def move_start(self, start: int, steps: int) -> int:
        """The token start `steps` tokens after (or before, if negative) `start`."""
        i = bisect.bisect_left(self.starts, start) + steps
        return self.starts[min(max(i, 0), len(self.starts) - 1)] if self.starts else start

    def move_end(self, end: int, steps: int) -> int:
        i = bisect.bisect_left(self.ends, end) + steps
        return self.ends[min(max(i, 0), len(self.ends) - 1)] if self.ends else end
