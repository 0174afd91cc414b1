"""The span panel: the article's spans with label, text, origin and FIGURE attributes.

FIGURE attributes are editable here; an edit goes through the session like
any other action (a suggestion edited this way is accepted as edited). The
qualifier is a choice from the guideline's list, a value is typed in any form
the recogniser reads ("1,5 milliard", "13 346"); core checks both
(`figure_attrs`). The "attrs" column says whether they were typed by hand
(kept when the span changes) or read from the text (read again); "tokens"
marks a span off token bounds, which the token formats widen (the tooltip says to what).
"""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QValidator
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from annotator.core import alignment, figure_attrs
from annotator.core.editing import Edit, Item, order_key
from annotator.core.errors import InvalidSpan
from annotator.gui.colors import label_color
from annotator.gui.session import Session

COLUMNS = ("Label", "Text", "Origin", "value", "value_max", "qualifier", "unit", "attrs", "tokens")
_ATTRS = COLUMNS[3:7]
_BY_HAND, _READ = "by hand", "read"
_TIPS = {
    _BY_HAND: "Typed by hand: kept as they are when the span changes",
    _READ: "Read from the span's text: read again whenever the span changes",
}
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
        if self._replace_in_place(edit):
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

    def _replace_in_place(self, edit: Edit) -> bool:
        """One item changed where it stands (an attribute typed in): its row is updated.

        Removing and inserting the row would take it from under the cell editor
        that is committing the change ("commitData called with an editor that
        does not belong to this view").
        """
        if len(edit.removed) != 1 or len(edit.added) != 1:
            return False
        row = self.row_of(edit.removed[0].key)
        if row is None:
            return False
        keys = [order_key(i) for i in self._items]
        keys[row] = order_key(edit.added[0])
        if keys != sorted(keys):
            return False
        self._items[row] = edit.added[0]
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return True

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
            if column == "attrs":
                return _attrs_kind(item)
            if column == "tokens":
                return "" if self._token_note(item) is None else "⚠ widened"
            value = item.span.attrs.get(column)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole and column == "attrs":
            return _TIPS.get(_attrs_kind(item))
        if role == Qt.ItemDataRole.ToolTipRole and column == "tokens":
            return self._token_note(item)
        if role == Qt.ItemDataRole.BackgroundRole and column == "Label":
            return label_color(item.span.label, 70 if item.is_suggestion else 170)
        if role == Qt.ItemDataRole.FontRole and item.is_suggestion:
            font = QFont()
            font.setItalic(True)  # not yet decided on
            return font
        return None

    def _token_note(self, item: Item) -> str | None:
        editor = self._session.editor
        return alignment.note(editor.tokens, editor.text, item.span.start, item.span.end)

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
        else:
            attrs[column] = text  # core reads numbers as the recogniser does
        if column == "qualifier" and text != figure_attrs.RANGE:
            attrs.pop("value_max", None)  # an upper bound means nothing outside a range
        try:
            figure_attrs.by_hand(item.span.label, attrs)
        except InvalidSpan as error:
            self._session.message.emit(str(error))
            return False
        self._session.set_attrs(item.key, attrs)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


class SpanPanel(QTableView):
    editingFinished = Signal()  # an attribute was typed in: the keys go back to the text

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
        for column, width in enumerate((64, 200, 84, 70, 76, 84, 90, 64, 76)):
            header.resizeSection(column, width)
        self._qualifiers = QualifierDelegate(self)
        self._numbers = NumberDelegate(self)
        self.setItemDelegateForColumn(COLUMNS.index("qualifier"), self._qualifiers)
        for column in ("value", "value_max"):
            self.setItemDelegateForColumn(COLUMNS.index(column), self._numbers)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.clicked.connect(lambda index: session.set_focus(self.span_model.item(index.row()).key))
        session.edited.connect(self._follow_focus)
        session.articleOpened.connect(lambda: self._follow_focus(None))

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, hint)
        self.editingFinished.emit()

    def _follow_focus(self, edit: Edit | None) -> None:
        key = self._session.editor.focus
        row = self.span_model.row_of(key) if key else None
        if row is None:
            self.clearSelection()
            return
        self.selectRow(row)
        self.scrollTo(self.span_model.index(row, 0))


def _attrs_kind(item: Item) -> str:
    if item.span.label != figure_attrs.FIGURE or not item.span.attrs:
        return ""
    return _BY_HAND if item.span.attrs.get(figure_attrs.HAND_EDITED) else _READ


class QualifierDelegate(QStyledItemDelegate):
    """The qualifier: one of the guideline's closed list, nothing else."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(figure_attrs.QUALIFIERS)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findText(str(index.data() or "")), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText())


class NumberValidator(QValidator):
    """Acceptable once the recogniser's reader reads the text as one number."""

    def validate(self, text: str, position: int) -> tuple[QValidator.State, str, int]:
        readable = not text.strip() or figure_attrs.parse_value(text) is not None
        state = QValidator.State.Acceptable if readable else QValidator.State.Intermediate
        return state, text, position


class NumberDelegate(QStyledItemDelegate):
    """value, value_max: typed as written in French; the editor stays open until it reads."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setValidator(NumberValidator(editor))
        editor.setToolTip("A number as written: 13 346, 71.000, 7,1, 1,5 milliard, une dizaine")
        return editor
