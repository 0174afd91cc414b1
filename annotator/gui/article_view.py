"""The article text, read-only, with its spans; keys and mouse act on them.

The text is always plain text, never rich text. The view only draws what the
session holds and turns keys, clicks and selections into session calls.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

from annotator.core import alignment
from annotator.core.editing import Edit, Item
from annotator.core.records import LABELS
from annotator.gui.colors import label_color
from annotator.gui.highlighter import SpanHighlighter
from annotator.gui.keymap import BY_KEYS
from annotator.gui.offsets import Utf16Map
from annotator.gui.session import Session

# Qt names some keys differently from the table's portable names.
_KEY_NAMES = {"Enter": "Return", "Del": "Delete"}


class ArticleView(QPlainTextEdit):
    commandRequested = Signal(str)  # bindings the window handles (F1)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setObjectName("articleView")
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)
        self._offsets = Utf16Map("")
        self._highlighter = SpanHighlighter(self.document(), off_tokens=self.off_tokens)
        self._press_position: int | None = None
        session.articleOpened.connect(self.show_article)
        session.edited.connect(self.apply_edit)

    # -- drawing --------------------------------------------------------------

    def show_article(self) -> None:
        editor = self.session.editor
        text = editor.text
        self._offsets = Utf16Map(text)
        self._highlighter.set_items(text, editor.items.values(), self._offsets)
        self.setPlainText(text)
        self._scroll_to_focus()

    def apply_edit(self, edit: Edit) -> None:
        if edit.removed or edit.added:
            self._highlighter.update_items(edit.removed, edit.added)
            self._tell_off_tokens(edit)
        self._scroll_to_focus()
        self.viewport().update()

    def off_tokens(self, item: Item) -> bool:
        """Whether the token formats would widen the span (the session's tokens)."""
        tokens = self.session.editor.tokens
        return not alignment.on_token_bounds(tokens, item.span.start, item.span.end)

    def _tell_off_tokens(self, edit: Edit) -> None:
        """Say so when an action has just made a span that is off token bounds."""
        before = {(i.span.start, i.span.end) for i in edit.removed}
        editor = self.session.editor
        for item in edit.added:
            if (item.span.start, item.span.end) in before:
                continue  # not made by this action (a relabel, an attribute)
            note = alignment.note(editor.tokens, editor.text, item.span.start, item.span.end)
            if note:
                self.session.message.emit(note)
                return

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        item = self.session.editor.focused()
        if item is None:
            return
        painter = QPainter(self.viewport())
        pen = QPen(label_color(item.span.label).darker(160))
        pen.setWidth(2)
        painter.setPen(pen)
        for rect in self._span_rects(item):
            painter.drawRect(rect.adjusted(-1, 0, 1, -1))
        painter.end()

    def _span_rects(self, item: Item) -> list[QRect]:
        """One rectangle per visual line the span covers."""
        rects: list[QRect] = []
        line_top, left, right, height = None, 0, 0, 0
        for position in range(item.span.start, item.span.end + 1):
            rect = self.cursorRect(self._cursor_at(position))
            if line_top is None or rect.top() != line_top:
                if line_top is not None:
                    rects.append(QRect(left, line_top, right - left, height))
                line_top, left, height = rect.top(), rect.left(), rect.height()
            right = rect.left()
        if line_top is not None:
            rects.append(QRect(left, line_top, max(right - left, 2), height))
        return rects

    def _cursor_at(self, position: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(position))
        return cursor

    def _scroll_to_focus(self) -> None:
        item = self.session.editor.focused()
        if item is None:
            return
        rect = self.cursorRect(self._cursor_at(item.span.start))
        if not self.viewport().rect().contains(rect):
            cursor = self._cursor_at(item.span.start)
            self.setTextCursor(cursor)
            self.centerCursor()

    # -- input ----------------------------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return (
            self._offsets.from_qt(cursor.selectionStart()),
            self._offsets.from_qt(cursor.selectionEnd()),
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = QKeySequence(event.keyCombination()).toString(
            QKeySequence.SequenceFormat.PortableText
        )
        binding = BY_KEYS.get(_normalise(keys))
        if binding is None:
            super().keyPressEvent(event)
            return
        self.run(binding.command)
        event.accept()

    def event(self, event) -> bool:  # type: ignore[no-untyped-def]
        # Tab would otherwise move keyboard focus out of the view.
        if event.type() == event.Type.KeyPress and event.key() in (
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def run(self, command: str) -> None:
        """Carry out a command of the key table."""
        name, *args = command.split(":")
        session = self.session
        if name == "label":
            session.label(args[0], self.selection())
            self._clear_selection()
        elif name == "label_exact":
            session.label(args[0], self.selection(), exact=True)
            self._clear_selection()
        elif name == "resize":
            session.resize(args[0], int(args[1]), args[2])
        elif name in ("focus_next", "next_article"):
            getattr(session, name)(int(args[0]))
        elif name == "cheat_sheet":
            self.commandRequested.emit(name)
        else:
            getattr(session, name)()

    def _clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        self._press_position = self.cursorForPosition(event.position().toPoint()).position()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.session.focus_at(self._offsets.from_qt(self._press_position or 0))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        position = self._offsets.from_qt(self.cursorForPosition(event.pos()).position())
        selection = self.selection()
        if selection is None:
            self.session.focus_at(position)
        menu = QMenu(self)
        item = self.session.editor.focused()
        if selection is not None:
            for n, label in enumerate(LABELS, start=1):
                menu.addAction(f"New {label} span\t{n}", lambda lb=label: self.run(f"label:{lb}"))
        elif item is not None:
            if item.is_suggestion:
                menu.addAction("Accept\tEnter", lambda: self.run("accept"))
                menu.addAction("Reject\tDelete", lambda: self.run("reject_or_delete"))
            else:
                menu.addAction("Delete\tDelete", lambda: self.run("reject_or_delete"))
            relabel = menu.addMenu("Label as")
            for n, label in enumerate(LABELS, start=1):
                relabel.addAction(f"{label}\t{n}", lambda lb=label: self.run(f"label:{lb}"))
        menu.addAction("Accept all suggestions\tShift+Enter", lambda: self.run("accept_all"))
        menu.exec(event.globalPos())


def _normalise(keys: str) -> str:
    """Qt's portable key text in the key table's spelling."""
    parts = keys.split("+")
    parts[-1] = _KEY_NAMES.get(parts[-1], parts[-1])
    # "Shift+Tab" arrives as Backtab.
    if parts[-1] == "Backtab":
        return "Shift+Tab"
    return "+".join(parts)
