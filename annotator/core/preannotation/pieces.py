"""Long articles cut into pieces the model takes in bounded time.

spaCy's French NER slows down more than linearly with the length of a text
(here: 10,000 characters in 0.3 s, 228,000 in 96 s), and a run can only
stop between texts. So an article longer than `MAX_PIECE_CHARS` is run as
consecutive pieces cut at a line break (else a sentence end, else white
space); short articles, nearly all news, are run whole as before, since the
model scores better with the whole article as context.

A piece is (offset, text) with `text == article[offset:offset + len(text)]`:
its spans, shifted by `offset`, are offsets into the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_PIECE_CHARS = 10_000

_SENTENCE_END = re.compile(r"[.!?…»]\s")
_SPACE = re.compile(r"\s")


def pieces(text: str, max_chars: int = MAX_PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """Consecutive pieces covering `text`, each at most `max_chars` long."""
    start = 0
    while len(text) - start > max_chars:
        end = _cut(text, start, start + max_chars)
        yield start, text[start:end]
        start = end
    yield start, text[start:]


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end the piece starting at `start`: the last good break before `limit`."""
    # After a line break: no span crosses one (cleaning.py cuts them there).
    line = text.rfind("\n", start, limit)
    if line > start:
        return line + 1
    window = text[start:limit]
    for pattern in (_SENTENCE_END, _SPACE):
        found = [m.end() for m in pattern.finditer(window)]
        if found and found[-1] > 0:
            return start + found[-1]
    return limit  # one word longer than a piece: nothing better
