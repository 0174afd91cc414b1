"""The span panel: the article's spans with label, text, origin and FIGURE attributes.

FIGURE attributes are editable here; an edit goes through the session like
any other action (a suggestion edited this way is accepted as edited).
"""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.core.editing import Edit, Item, order_key
from annotator.gui.colors import label_color
from annotator.gui.session import Session

COLUMNS = ("Label", "Text", "Origin", "value", "value_max", "qualifier", "unit")
_ATTRS = COLUMNS[3:]
Index = QModelIndex | QPersistentModelIndex


class SpanTableModel(QAbstractTableModel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session
        self._items: list[Item] = []
        session.articleOpened.connect(self.reset)
        session.edited.connect(self._on_edit)

    def reset(self) -> None:
        self.beginResetModel()
        self._items = self._session.editor.ordered() if self._session.editor.document else []
        self.endResetModel()

    def row_of(self, key: tuple) -> int | None:
        return next((i for i, item in enumerate(self._items) if item.key == key), None)

    def item(self, row: int) -> Item:
        return self._items[row]

    def _on_edit(self, edit: Edit) -> None:
        """Remove and insert just the rows an edit names: a reset of thousands is slow."""
        if edit.reloaded or len(edit.removed) + len(edit.added) > 50:
            self.reset()
            return
        for item in edit.removed:
            row = self.row_of(item.key)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._items[row]
                self.endRemoveRows()
        for item in edit.added:
            row = bisect.bisect_left([order_key(i) for i in self._items], order_key(item))
            self.beginInsertRows(QModelIndex(), row, row)
            self._items.insert(row, item)
            self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == "Label":
                return item.span.label
            if column == "Text":
                return self._session.editor.text[item.span.start : item.span.end]
            if column == "Origin":
                return "suggestion" if item.is_suggestion else item.origin.value  # type: ignore[union-attr]
            value = item.span.attrs.get(column)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.BackgroundRole and column == "Label":
            return label_color(item.span.label, 70 if item.is_suggestion else 170)
        if role == Qt.ItemDataRole.FontRole and item.is_suggestion:
            font = QFont()
            font.setItalic(True)  # not yet decided on
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        editable = index.isValid() and COLUMNS[index.column()] in _ATTRS
        if editable and self._items[index.row()].span.label == "FIGURE":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = COLUMNS[index.column()]
        if column not in _ATTRS:
            return False
        item = self._items[index.row()]
        attrs = dict(item.span.attrs)
        text = str(value).strip()
        if not text:
            attrs.pop(column, None)
        elif column in ("value", "value_max"):
            try:
                number = float(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
            except ValueError:
                self._session.message.emit(f"{column} must be a number, not {text!r}")
                return False
            attrs[column] = int(number) if number.is_integer() else number
        else:
            attrs[column] = text
        self._session.set_attrs(item.key, attrs)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class SpanPanel(QTableView):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spanPanel")
        self._session = session
        self.span_model = SpanTableModel(session)
        self.setModel(self.span_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)
        # Fixed widths: sizing to contents would measure every row of a long article.
        header = self.horizontalHeader()
        for column, width in enumerate((64, 200, 84, 70, 76, 84, 90)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.clicked.connect(lambda index: session.set_focus(self.span_model.item(index.row()).key))
        session.edited.connect(self._follow_focus)
        session.articleOpened.connect(lambda: self._follow_focus(None))

    def _follow_focus(self, edit: Edit | None) -> None:
        key = self._session.editor.focus
        row = self.span_model.row_of(key) if key else None
        if row is None:
            self.clearSelection()
            return
        self.selectRow(row)
        self.scrollTo(self.span_model.index(row, 0))
