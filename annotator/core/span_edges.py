"""Where a span may not begin or end: between a letter and the marks that go with it.

A text is stored in NFC, but NFC leaves a letter and its accent apart when
Unicode has no single character for them ("q" + U+0301 in "Zq́x"): an edge
between the two would cut the accent from its letter, which no tool shows
and no export can place. Import (`text.splitting_normalisation`, which also
refuses an edge NFC composition would remove) and merge both refuse it.
"""

from __future__ import annotations

import unicodedata


def cuts_a_character(text: str, start: int, end: int) -> int | None:
    """The edge of span `start`-`end` that falls before a combining mark, or None."""
    for edge in (start, end):
        if 0 < edge < len(text) and unicodedata.category(text[edge]).startswith("M"):
            return edge
    return None
