"""The label bar: the legend, each label's key, and a button that applies it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from annotator.core.records import LABELS
from annotator.gui.colors import label_color


class LabelBar(QWidget):
    def __init__(self, apply: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        for number, label in enumerate(LABELS, start=1):
            button = QPushButton(f"{number}  {label}")
            color = label_color(label).name()
            button.setStyleSheet(
                f"QPushButton {{ background: {color}; border: 1px solid #555;"
                " border-radius: 3px; padding: 2px 10px; color: black; }"
            )
            button.setToolTip(f"Label {label} (key {number}; Alt+{number}: exact characters)")
            button.setFocusPolicy(button.focusPolicy().NoFocus)
            button.clicked.connect(lambda _=False, lb=label: apply(lb))
            layout.addWidget(button)
        legend = QLabel("pale, dotted: suggestion · solid: annotation · overline: overlap")
        legend.setStyleSheet("color: #555;")
        layout.addStretch(1)
        layout.addWidget(legend)
