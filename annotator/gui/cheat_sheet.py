"""F1: every key of the article view, from the key table itself."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.keymap import BINDINGS


class CheatSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keys")
        self.setObjectName("cheatSheet")
        table = QTableWidget(len(BINDINGS), 2, self)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        for row, binding in enumerate(BINDINGS):
            table.setItem(row, 0, QTableWidgetItem(binding.keys))
            table.setItem(row, 1, QTableWidgetItem(binding.description))
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        self.resize(620, 640)
