"""Whether a span keeps its exact characters in the token formats.

The DocBin, Prodigy and CoNLL exports place a span as it is only when both of
its edges fall on token edges: step 1 of `exporters.common.place_spans`
(`doc.char_span(alignment_mode="strict")`, `token_arrays.place` in numpy).
Any other span is widened there to whole tokens. This is the same test on
the token offsets an editor already has (`tokens.TokenBounds`, from spaCy's
tokenizer), so the window can mark such a span when it is made, not only the
export report afterwards (a test keeps the two tests equal).
"""

from __future__ import annotations

import bisect

from annotator.core.tokens import TokenBounds


def on_token_bounds(tokens: TokenBounds, start: int, end: int) -> bool:
    """Whether [start, end) begins where a token begins and ends where one ends."""
    return _holds(tokens.starts, start) and _holds(tokens.ends, end)


def widened(tokens: TokenBounds, start: int, end: int) -> tuple[int, int]:
    """The characters the token formats give the span instead: its whole tokens."""
    return tokens.snap(start, end)


def note(tokens: TokenBounds, text: str, start: int, end: int) -> str | None:
    """None for a span on token bounds; else what the token formats make of it."""
    if on_token_bounds(tokens, start, end):
        return None
    wide_start, wide_end = widened(tokens, start, end)
    return (
        f"«{text[start:end]}» is not on token bounds: the spaCy, Prodigy and CoNLL"
        f" exports widen it to «{text[wide_start:wide_end]}»."
    )


def _holds(sorted_offsets: list[int], offset: int) -> bool:
    i = bisect.bisect_left(sorted_offsets, offset)
    return i < len(sorted_offsets) and sorted_offsets[i] == offset
