"""Span highlighting, block by block, so long articles stay fast.

A QSyntaxHighlighter formats one text block (one line) at a time and only the
blocks an edit touches are formatted again. Suggestions are pale with a dotted
underline; annotations are solid; where spans overlap, characters get an
overline and the underline of the span beneath. A span whose edges are not on
token bounds (the token formats would widen it) gets a red wavy underline.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from PySide6.QtGui import QBrush, QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.core.editing import Item
from annotator.gui.colors import label_color
from annotator.gui.offsets import Utf16Map, utf16_length

_SUGGESTION_ALPHA = 70
_ANNOTATION_ALPHA = 170


# Colours a span: (item, alpha) -> QColor. By label unless a view says otherwise.
ColorOf = Callable[[Item, int], QColor]


def by_label(item: Item, alpha: int) -> QColor:
    return label_color(item.span.label, alpha)


# Whether a span is off token bounds: item -> bool. None by default.
OffTokens = Callable[[Item], bool]
_OFF_TOKENS_COLOR = QColor("#d00000")


def never(item: Item) -> bool:
    return False


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(
        self, document: QTextDocument, color_of: ColorOf = by_label, off_tokens: OffTokens = never
    ) -> None:
        super().__init__(document)
        self._color_of = color_of
        self._off_tokens = off_tokens
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._line_starts: list[int] = [0]
        self._offsets = Utf16Map("")
        self._by_block: dict[int, list[Item]] = defaultdict(list)

    def set_items(self, text: str, items: Iterable[Item], offsets: Utf16Map | None = None) -> None:
        """Index spans by line; call before the text is put in the document."""
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._offsets = offsets or Utf16Map(text)
        self._by_block = defaultdict(list)
        for item in items:
            self._index(item)

    def update_items(self, removed: Iterable[Item], added: Iterable[Item]) -> None:
        """Swap some spans and format again only the lines they are on."""
        touched: set[int] = set()
        for item in removed:
            for block in self._blocks(item):
                self._by_block[block] = [i for i in self._by_block[block] if i.key != item.key]
                touched.add(block)
        for item in added:
            touched.update(self._index(item))
        document = self.document()
        for block in sorted(touched):
            self.rehighlightBlock(document.findBlockByNumber(block))

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        items = self._by_block.get(block.blockNumber())
        if not items:
            return
        base = block.position()
        # Qt offsets are UTF-16: the block's length must be counted the same way.
        length = utf16_length(text)
        pieces = []
        for item in items:
            start = max(self._offsets.to_qt(item.span.start) - base, 0)
            end = min(self._offsets.to_qt(item.span.end) - base, length)
            if start < end:
                pieces.append((start, end, item))
        bounds = sorted({p for s, e, _ in pieces for p in (s, e)})
        for left, right in itertools.pairwise(bounds):
            covering = [item for s, e, item in pieces if s <= left and right <= e]
            if covering:
                self.setFormat(left, right - left, self._format(covering))

    def _format(self, covering: list[Item]) -> QTextCharFormat:
        # Annotations above suggestions; the shorter span above the longer.
        ordered = sorted(
            covering, key=lambda i: (not i.is_suggestion, -(i.span.end - i.span.start))
        )
        top = ordered[-1]
        beneath = ordered[-2] if len(ordered) > 1 else None
        # Few distinct looks: make each once (thousands of spans share them).
        off = self._off_tokens(top)
        key = (self._color_key(top), self._color_key(beneath) if beneath else None, off)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._make_format(top, beneath, off)
        return fmt

    def _color_key(self, item: Item) -> tuple[str, str]:
        return (self._color_of(item, 255).name(), item.kind)

    def _make_format(self, top: Item, beneath: Item | None, off: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        alpha = _SUGGESTION_ALPHA if top.is_suggestion else _ANNOTATION_ALPHA
        fmt.setBackground(QBrush(self._color_of(top, alpha)))
        if top.is_suggestion:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(self._color_of(top, 255))
        if beneath is not None:
            fmt.setFontOverline(True)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(self._color_of(beneath, 255))
        if off:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(_OFF_TOKENS_COLOR)
        return fmt

    def _index(self, item: Item) -> list[int]:
        blocks = self._blocks(item)
        for block in blocks:
            self._by_block[block].append(item)
        return blocks

    def _blocks(self, item: Item) -> list[int]:
        first = bisect.bisect_right(self._line_starts, item.span.start) - 1
        last = bisect.bisect_right(self._line_starts, max(item.span.end - 1, item.span.start)) - 1
        return list(range(first, last + 1))
