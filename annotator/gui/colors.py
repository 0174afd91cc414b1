"""Label colours: distinct hues, readable under black text (Okabe-Ito based)."""

from __future__ import annotations

from PySide6.QtGui import QColor

LABEL_COLORS: dict[str, str] = {
    "PER": "#E69F00",
    "ORG": "#56B4E9",
    "LOC": "#009E73",
    "MISC": "#CC79A7",
    "FIGURE": "#F0E442",
    "DATE": "#D55E00",
}
_OTHER = "#999999"


def label_color(label: str, alpha: int = 255) -> QColor:
    color = QColor(LABEL_COLORS.get(label, _OTHER))
    color.setAlpha(alpha)
    return color
