"""The one place where Python offsets meet Qt's UTF-16 offsets.

Python counts code points; QTextDocument counts UTF-16 code units, so every
character outside the Basic Multilingual Plane (emoji, some CJK) counts twice
in Qt. Text without such characters needs no table at all.
"""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    def __init__(self, text: str) -> None:
        # Python offsets of the astral characters, each worth 2 UTF-16 units.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._qt = [i + n + 1 for n, i in enumerate(self._astral)]  # Qt offset just after each

    def to_qt(self, position: int) -> int:
        """A Python offset as a UTF-16 offset."""
        return position + bisect.bisect_left(self._astral, position)

    def from_qt(self, position: int) -> int:
        """A UTF-16 offset as a Python offset (inside a surrogate pair: its start)."""
        return position - bisect.bisect_right(self._qt, position)


def utf16_length(text: str) -> int:
    """The length of `text` in UTF-16 code units, as Qt counts it."""
    return len(text) + len(_ASTRAL.findall(text))
