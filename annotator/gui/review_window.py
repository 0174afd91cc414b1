"""Review: every annotator's version of an article together; the lead decides gold.

Candidate spans are coloured by support (green: all agree, orange: some,
red: one annotator); gold spans are solid in their label's colour. Keys:
Tab/Shift+Tab move, Enter takes the focused span into gold, Delete drops a
gold span, 1-9 take that annotator's whole version, Ctrl+Enter finishes the
article and opens the next, Ctrl+Z undoes, PageDown/PageUp move between
articles. After a decision the focus moves to the next undecided candidate.

The focused span is framed in the text, selected in the span table (label,
annotators, support, text, FIGURE attributes) and named in the status line;
clicking a row focuses it. The article list shows each article's gold status
as the store has it, read again after every action and when the window is
activated (a command or another window may have adjudicated meanwhile).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.adjudication import finished_by_all
from annotator.core.attribute_agreement import compared_attributes
from annotator.core.editing import Item
from annotator.core.review import ReviewEditor
from annotator.core.store import Store
from annotator.gui.colors import label_color
from annotator.gui.highlighter import SpanHighlighter
from annotator.gui.offsets import Utf16Map
from annotator.gui.pending import PendingActions, PendingLabel

SUPPORT_COLORS = {"all": "#2E7D32", "some": "#EF6C00", "one": "#C62828"}
# The span table: who said it comes right after the label, so it is seen without scrolling.
COLUMNS = ("Label", "Annotators", "Support", "Text", "Value", "Max", "Qualifier", "Unit")
ATTRIBUTE_COLUMNS = {"Value": "value", "Max": "value_max", "Qualifier": "qualifier", "Unit": "unit"}
TEXT_WIDTH = 220  # pixels at most for the span's text, so the attribute columns stay near
CONTESTED = QColor("#FFF59D")  # attribute cells of versions that differ only there


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


# The keys `ReviewWindow._key` acts on (besides 1, 2, ...: an annotator's version).
REVIEW_KEYS = frozenset(
    {"Tab", "Shift+Tab", "Backtab", "Shift+Backtab", "Return", "Enter", "Del", "Delete"}
    | {"Ctrl+Return", "Ctrl+Enter", "Ctrl+Z", "PgDown", "PgUp"}
)


class ReviewWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        adjudicator: str,
        annotators: list[str],
        pending: PendingActions | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("reviewWindow")
        self.setWindowTitle(f"Review — {adjudicator} adjudicating {', '.join(annotators)}")
        self.store = store
        self.editor = ReviewEditor(store, adjudicator, annotators)
        # Decisions meeting a store another program holds wait in order, never freeze
        # the window (gui/pending.py); the main window's queue when opened from it.
        self.pending = pending if pending is not None else PendingActions(store, self)
        self.pending.message.connect(self._say)
        self.view = ReviewView(self.editor)
        self.view.keyed.connect(self.key)
        # The legend above the text, so the status line has its whole width for the focus.
        legend = " · ".join(f"{n}: take {name}'s version" for n, name in enumerate(annotators, 1))
        self.legend = QLabel(
            "green: all agree · orange: some · red: one · solid: gold — Tab: next · Enter: take"
            f" · Delete: drop from gold · {legend} · Ctrl+Enter: finished · Ctrl+Z: undo"
        )
        self.legend.setObjectName("reviewLegend")
        self.legend.setTextFormat(Qt.TextFormat.PlainText)  # annotator names are data
        self.legend.setWordWrap(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 2, 4, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.view)
        self.setCentralWidget(central)
        self.articles = QListWidget()
        self.articles.setObjectName("reviewArticles")
        self.articles.currentRowChanged.connect(self._row_changed)
        self._dock("Articles", self.articles, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.spans = QTableWidget(0, len(COLUMNS))
        self.spans.setObjectName("reviewSpans")
        self.spans.setHorizontalHeaderLabels(list(COLUMNS))
        self.spans.verticalHeader().setVisible(False)
        self.spans.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.spans.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.spans.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.spans.cellClicked.connect(self._span_clicked)
        self._rows: list[Item] = []  # the table's rows, in order
        spans_dock = self._dock("Spans", self.spans, Qt.DockWidgetArea.RightDockWidgetArea)
        self.focus_line = QLabel()
        self.focus_line.setTextFormat(Qt.TextFormat.PlainText)  # span text and names are data
        self.focus_line.setObjectName("reviewFocus")
        self.statusBar().addWidget(self.focus_line, 1)
        self.statusBar().addPermanentWidget(PendingLabel(self.pending))
        self.ids = finished_by_all(store, annotators)
        # Titles never change; statuses do, and are read again after every action.
        self._titles = [store.articles.get(i).display_title for i in self.ids]
        for _ in self.ids:
            self.articles.addItem(QListWidgetItem())
        self._refresh_titles()
        self.resize(1400, 850)
        self.resizeDocks([spans_dock], [640], Qt.Orientation.Horizontal)
        if self.ids:
            self.articles.setCurrentRow(0)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _refresh_titles(self) -> None:
        """Every article's gold status as the store has it now, in one read."""
        statuses = self.store.gold.statuses(self.ids)
        for row, (article_id, title) in enumerate(zip(self.ids, self._titles, strict=True)):
            text = f"[{statuses.get(article_id, 'to review')}] {title}"
            if self.articles.item(row).text() != text:
                self.articles.item(row).setText(text)

    def open(self, article_id: str) -> None:
        if article_id in self.ids:
            self.articles.setCurrentRow(self.ids.index(article_id))

    def changeEvent(self, event: QEvent) -> None:
        # Back to this window: a command or another window may have written meanwhile.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.editor.reload()
            self._refresh()
        super().changeEvent(event)

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.ids):
            self.editor.open(self.ids[row])
            self._refresh()

    def _span_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._rows):
            item = self._rows[row]
            self.editor.focus = ("gold" if item.kind == "annotation" else "candidate", item.id)
            self._refresh()
            self.view.setFocus()

    def _refresh(self) -> None:
        self.view.redraw()
        self._fill_spans()
        self._show_focus()
        self._refresh_titles()
        self.view.viewport().update()

    def _fill_spans(self) -> None:
        """One row a span, in text order; the focused one in bold, its cells sized to fit."""
        self._rows = self.editor.items()
        focused = self.editor.focused()
        self.spans.setRowCount(len(self._rows))
        for row, item in enumerate(self._rows):
            contested = self.editor.contested(item)
            bold = focused is not None and item.key == focused.key
            attrs = item.span.attrs
            cells = {
                "Label": item.span.label,
                "Annotators": ", ".join(self.editor.supporters_of(item)),
                "Support": self.editor.support_of(item),
                "Text": self.editor.text[item.span.start : item.span.end],
            }
            for column, name in enumerate(COLUMNS):
                attribute = ATTRIBUTE_COLUMNS.get(name)
                value = cells[name] if attribute is None else _shown(attrs.get(attribute))
                cell = QTableWidgetItem(value)
                if attribute is not None and contested:
                    cell.setBackground(CONTESTED)
                if bold:
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                self.spans.setItem(row, column, cell)
        self.spans.resizeColumnsToContents()
        text = COLUMNS.index("Text")
        self.spans.setColumnWidth(text, min(self.spans.columnWidth(text), TEXT_WIDTH))

    def _show_focus(self) -> None:
        """Select the focused span's row, scroll to it, and name it in the status line."""
        item = self.editor.focused()
        row = next((r for r, i in enumerate(self._rows) if item and i.key == item.key), -1)
        self.spans.clearSelection()
        if row >= 0:
            self.spans.selectRow(row)
            self.spans.scrollToItem(self.spans.item(row, 0))
        self.focus_line.setText(self.describe_focus())

    def describe_focus(self) -> str:
        """The status line: which span is focused, what it is, who marked it."""
        item = self.editor.focused()
        if item is None:
            if self.editor.candidates:
                return "No span focused: Tab moves to the next one."
            return "Nothing left to decide here: Ctrl+Enter marks the article adjudicated."
        span = item.span
        text = self.editor.text[span.start : span.end]
        who = ", ".join(self.editor.supporters_of(item)) or "nobody"
        if item.kind == "annotation":
            line = f"Gold {span.label} «{text}» ({span.start}–{span.end}), taken from {who}"
        else:
            support = self.editor.support_of(item)
            line = (
                f"Candidate {span.label} «{text}» ({span.start}–{span.end}),"
                f" marked by {who} ({support})"
            )
        attrs = compared_attributes(span.attrs)
        if attrs:
            line += " · " + ", ".join(f"{k} {_shown(v)}" for k, v in attrs.items())
        if self.editor.contested(item):
            line += " · the annotators' attributes differ: take one version"
        return line

    def key(self, keys: str) -> None:
        """A key of the review, done now, or in order once the store is free."""
        version = keys.isdigit() and 1 <= int(keys) <= len(self.editor.annotators)
        if keys in REVIEW_KEYS or version:
            self.pending.submit(f"review {keys}", lambda: self._key(keys))

    def _say(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.pending.retry(patience=2.0):
            super().closeEvent(event)
            return
        event.ignore()  # decisions wait for the store: closes once they are saved
        self.pending.drained.connect(self.close, Qt.ConnectionType.SingleShotConnection)

    def _key(self, keys: str) -> None:
        editor = self.editor
        if keys == "Tab":
            editor.focus_next(1)
        elif keys in ("Shift+Tab", "Backtab", "Shift+Backtab"):
            editor.focus_next(-1)
        elif keys in ("Return", "Enter"):
            overlapped = editor.take()
            if overlapped:
                named = ", ".join(
                    f"{o.label} «{editor.text[o.start : o.end]}»" for o in overlapped[:3]
                )
                self.statusBar().showMessage(
                    f"Taken, but it overlaps gold {named}: the spaCy and CoNLL exports keep"
                    " only one; Delete the wrong one.",
                    10000,
                )
        elif keys in ("Del", "Delete"):
            editor.drop()
        elif keys.isdigit() and 1 <= int(keys) <= len(editor.annotators):
            name = editor.annotators[int(keys) - 1]
            taken = editor.take_version(name)
            # One key takes a whole version: say so, it is easy to press by mistake.
            self.statusBar().showMessage(
                f"Took {taken} span(s) of {name}'s version of the article into gold"
                " (Ctrl+Z undoes it).",
                8000,
            )
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


def _shown(value: Any) -> str:
    """An attribute as the table shows it: 13000 not 13000.0, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
