"""Evaluation: choose what to score against what; the report as tables.

The numbers come from the same core function as `annotator evaluate`, run in
the window's worker thread.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.evaluation import MISSED, EvaluationReport
from annotator.core.preannotation import DEFAULT_MODEL
from annotator.core.store import Store

MODEL_PREFIX = "model: "


class EvaluationDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evaluate")
        names = [a.name for a in store.annotators.list()]
        self.source = QComboBox()
        self.source.addItems(
            ["suggestions", *(MODEL_PREFIX + m for m in (DEFAULT_MODEL, "fr_core_news_sm")), *names]
        )
        self.against = QComboBox()
        self.against.addItems(["gold", *names])
        form = QFormLayout(self)
        form.addRow("Score", self.source)
        form.addRow("Against", self.against)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self) -> dict:
        chosen = self.source.currentText()
        if chosen.startswith(MODEL_PREFIX):
            return {
                "model": chosen.removeprefix(MODEL_PREFIX),
                "against": self.against.currentText(),
            }
        return {"source": chosen, "against": self.against.currentText()}


class EvaluationWindow(QMainWindow):
    def __init__(self, report: EvaluationReport) -> None:
        super().__init__()
        self.setObjectName("evaluationWindow")
        self.setWindowTitle(f"Evaluation — {report.predicted} against {report.reference}")
        strict, lenient = report.scores["strict"], report.scores["lenient"]
        names = [*strict.by_label, "all"]
        self.scores = QTableWidget(len(names), 8)
        self.scores.setObjectName("evaluationScores")
        self.scores.setHorizontalHeaderLabels(
            [
                "Label",
                "strict P",
                "strict R",
                "strict F1",
                "lenient P",
                "lenient R",
                "lenient F1",
                "reference / predicted",
            ]
        )
        for row, name in enumerate(names):
            s = strict.micro if name == "all" else strict.by_label[name]
            lenient_counts = lenient.micro if name == "all" else lenient.by_label[name]
            cells = [
                name,
                s.precision,
                s.recall,
                s.f1,
                lenient_counts.precision,
                lenient_counts.recall,
                lenient_counts.f1,
                f"{s.reference} / {s.predicted}",
            ]
            for column, value in enumerate(cells):
                text = (
                    value
                    if isinstance(value, str)
                    else ("—" if value is None else f"{value * 100:.1f}")
                )
                self.scores.setItem(row, column, QTableWidgetItem(text))
        columns = [*sorted({p for r in report.confusion.values() for p in r} - {MISSED}), MISSED]
        rows = list(report.confusion)
        self.confusion = QTableWidget(len(rows), len(columns))
        self.confusion.setObjectName("evaluationConfusion")
        self.confusion.setHorizontalHeaderLabels(columns)
        self.confusion.setVerticalHeaderLabels(rows)
        for r, label in enumerate(rows):
            for c, predicted in enumerate(columns):
                count = report.confusion[label].get(predicted, 0)
                self.confusion.setItem(r, c, QTableWidgetItem(str(count)))
        accuracy = report.value_accuracy
        values = QLabel(
            f"{report.articles} article(s). FIGURE value right for {report.values_right} of"
            f" {report.values_compared} figures with the right span"
            + ("" if accuracy is None else f" ({accuracy * 100:.1f} %)")
            + "."
        )
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(values)
        layout.addWidget(self.scores)
        layout.addWidget(QLabel("Confusion (rows: reference label; columns: predicted there)"))
        layout.addWidget(self.confusion)
        self.setCentralWidget(central)
        self.resize(900, 650)
