"""Review: every annotator's version of an article together; the lead decides gold.

Candidate spans are coloured by support (green: all agree, orange: some,
red: one annotator); gold spans are solid in their label's colour. Keys:
Tab/Shift+Tab move, Enter takes the focused span into gold, Delete drops a
gold span, 1-9 take that annotator's whole version, Ctrl+Enter finishes the
article and opens the next, Ctrl+Z undoes, PageDown/PageUp move between
articles.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPainter, QPaintEvent, QPen, QTextCursor
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from annotator.core.adjudication import finished_by_all
from annotator.core.editing import Item
from annotator.core.review import ReviewEditor
from annotator.core.store import Store
from annotator.gui.colors import label_color
from annotator.gui.highlighter import SpanHighlighter
from annotator.gui.offsets import Utf16Map

SUPPORT_COLORS = {"all": "#2E7D32", "some": "#EF6C00", "one": "#C62828"}


class ReviewView(QPlainTextEdit):
    keyed = Signal(str)

    def __init__(self, editor: ReviewEditor) -> None:
        super().__init__()
        self.setObjectName("reviewView")
        self.editor = editor
        self.setReadOnly(True)
        self.setTabChangesFocus(False)
        self._offsets = Utf16Map("")
        self._highlighter = SpanHighlighter(self.document(), self._color)

    def _color(self, item: Item, alpha: int) -> QColor:
        if item.kind == "annotation":
            return label_color(item.span.label, alpha)
        color = QColor(SUPPORT_COLORS[self.editor.support_of(item)])
        color.setAlpha(alpha)
        return color

    def redraw(self) -> None:
        text = self.editor.text
        self._offsets = Utf16Map(text)
        self._highlighter.set_items(text, self.editor.items())
        scroll = self.verticalScrollBar().value()
        self.setPlainText(text)
        self.verticalScrollBar().setValue(scroll)

    def event(self, event) -> bool:  # type: ignore[no-untyped-def]
        if event.type() == event.Type.KeyPress and event.key() in (
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = QKeySequence(event.keyCombination()).toString(
            QKeySequence.SequenceFormat.PortableText
        )
        self.keyed.emit(keys)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        item = self.editor.focused()
        if item is None:
            return
        painter = QPainter(self.viewport())
        painter.setPen(QPen(QColor("#000000"), 2))
        start, end = QTextCursor(self.document()), QTextCursor(self.document())
        start.setPosition(self._offsets.to_qt(item.span.start))
        end.setPosition(self._offsets.to_qt(item.span.end))
        a, b = self.cursorRect(start), self.cursorRect(end)
        if a.top() == b.top():
            painter.drawRect(a.left(), a.top(), b.left() - a.left(), a.height() - 1)
        painter.end()


class ReviewWindow(QMainWindow):
    def __init__(self, store: Store, adjudicator: str, annotators: list[str]) -> None:
        super().__init__()
        self.setObjectName("reviewWindow")
        self.setWindowTitle(f"Review — {adjudicator} adjudicating {', '.join(annotators)}")
        self.store = store
        self.editor = ReviewEditor(store, adjudicator, annotators)
        self.view = ReviewView(self.editor)
        self.view.keyed.connect(self.key)
        self.setCentralWidget(self.view)
        self.articles = QListWidget()
        self.articles.setObjectName("reviewArticles")
        self.articles.currentRowChanged.connect(self._row_changed)
        self._dock("Articles", self.articles, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.spans = QTableWidget(0, 4)
        self.spans.setObjectName("reviewSpans")
        self.spans.setHorizontalHeaderLabels(["Label", "Text", "Support", "Annotators"])
        self.spans.verticalHeader().setVisible(False)
        self._dock("Spans", self.spans, Qt.DockWidgetArea.RightDockWidgetArea)
        legend = " · ".join(f"{n}: {name}" for n, name in enumerate(annotators, start=1))
        self.statusBar().addPermanentWidget(
            QLabel(f"green: all agree · orange: some · red: one · solid: gold — keys {legend}")
        )
        self.ids = finished_by_all(store, annotators)
        for article_id in self.ids:
            self.articles.addItem(QListWidgetItem(self._title(article_id)))
        self.resize(1400, 850)
        if self.ids:
            self.articles.setCurrentRow(0)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)

    def _title(self, article_id: str) -> str:
        status = self.store.gold.status(article_id) or "to review"
        return f"[{status}] {self.store.articles.get(article_id).display_title}"

    def open(self, article_id: str) -> None:
        if article_id in self.ids:
            self.articles.setCurrentRow(self.ids.index(article_id))

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.ids):
            self.editor.open(self.ids[row])
            self._refresh()

    def _refresh(self) -> None:
        self.view.redraw()
        items = self.editor.items()
        self.spans.setRowCount(len(items))
        for row, item in enumerate(items):
            text = self.editor.text[item.span.start : item.span.end]
            cells = [
                item.span.label,
                text,
                self.editor.support_of(item),
                ", ".join(self.editor.supporters_of(item)),
            ]
            for column, value in enumerate(cells):
                self.spans.setItem(row, column, QTableWidgetItem(value))
        row = self.articles.currentRow()
        if row >= 0 and self.editor.article_id:
            self.articles.item(row).setText(self._title(self.editor.article_id))
        self.view.viewport().update()

    def key(self, keys: str) -> None:
        editor = self.editor
        if keys == "Tab":
            editor.focus_next(1)
        elif keys in ("Shift+Tab", "Backtab", "Shift+Backtab"):
            editor.focus_next(-1)
        elif keys in ("Return", "Enter"):
            editor.take()
        elif keys in ("Del", "Delete"):
            editor.drop()
        elif keys.isdigit() and 1 <= int(keys) <= len(editor.annotators):
            editor.take_version(editor.annotators[int(keys) - 1])
        elif keys in ("Ctrl+Return", "Ctrl+Enter"):
            editor.finish()
            self.articles.setCurrentRow(min(self.articles.currentRow() + 1, len(self.ids) - 1))
        elif keys == "Ctrl+Z":
            editor.undo()
        elif keys == "PgDown":
            self.articles.setCurrentRow(min(self.articles.currentRow() + 1, len(self.ids) - 1))
        elif keys == "PgUp":
            self.articles.setCurrentRow(max(self.articles.currentRow() - 1, 0))
        else:
            return
        self._refresh()
