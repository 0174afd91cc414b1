"""The agreement view: a pairwise heat map, per-label bars, and the articles behind a cell.

The numbers come from the same core function as `annotator agreement`, run in
a worker thread. Next to span F1 and kappa, the matrix shows FIGURE value
agreement (same FIGURE span, same value, qualifier and unit). Clicking a cell
lists the articles where that pair disagrees (attributes included); opening
one starts the review there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import AgreementReport
from annotator.core.attribute_agreement import attribute_key

METRICS = (
    "Span F1, strict",
    "Span F1, lenient",
    "Cohen's kappa (tokens)",
    "FIGURE value agreement",
)
FIGURE_VALUES = METRICS.index("FIGURE value agreement")


def heat(value: float | None) -> QColor:
    """Red at 0 (or below), yellow at 0.5, green at 1."""
    if value is None:
        return QColor("#dddddd")
    v = max(0.0, min(1.0, value))
    return QColor.fromHsvF(v / 3, 0.55, 0.95)


class AgreementWindow(QMainWindow):
    def __init__(
        self,
        report: AgreementReport,
        open_article: Callable[[list[str], str], None] | None = None,
        title_of: Callable[[str], str] = str,
    ) -> None:
        super().__init__()
        self.setObjectName("agreementWindow")
        self.setWindowTitle("Agreement — " + ", ".join(report.annotators))
        self.report = report
        self._open_article = open_article
        self._title_of = title_of
        names = list(report.annotators)
        self.measure = QComboBox()
        self.measure.addItems(METRICS)
        self.measure.currentIndexChanged.connect(self._fill_matrix)
        self.matrix = QTableWidget(len(names), len(names))
        self.matrix.setObjectName("agreementMatrix")
        self.matrix.setHorizontalHeaderLabels(names)
        self.matrix.setVerticalHeaderLabels(names)
        self.matrix.cellClicked.connect(self._cell_clicked)
        self.labels = QTableWidget(len(report.labels), 3)
        self.labels.setObjectName("agreementLabels")
        self.labels.setHorizontalHeaderLabels(["Label", "strict F1 (mean of pairs)", "u-alpha"])
        self.articles = QListWidget()
        self.articles.setObjectName("disagreeingArticles")
        self.articles.itemDoubleClicked.connect(self._article_opened)
        self.pair_label = QLabel("Click a cell to list the articles where that pair disagrees.")
        self.pair_label.setTextFormat(Qt.TextFormat.PlainText)  # annotator names are data
        summary = QLabel(
            f"{len(report.articles)} article(s), {report.tokens.tokens:,} tokens · "
            f"Fleiss' kappa {_fmt(report.tokens.fleiss_kappa)} · "
            f"Krippendorff's alpha {_fmt(report.tokens.krippendorff_alpha)} · "
            f"unitizing alpha {_fmt(report.unitizing.alpha)} · "
            f"FIGURE values agree {_figure_values(report)} · "
            f"{len(report.disagreements)} disagreement(s)"
        )
        summary.setObjectName("agreementSummary")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        top = QHBoxLayout()
        top.addWidget(QLabel("Measure"))
        top.addWidget(self.measure)
        top.addStretch(1)
        left_layout.addLayout(top)
        left_layout.addWidget(self.matrix, 2)
        left_layout.addWidget(QLabel("Per label"))
        left_layout.addWidget(self.labels, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.pair_label)
        right_layout.addWidget(self.articles)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(summary, 0)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._fill_matrix()
        self._fill_labels()
        self.resize(1100, 700)

    def value(self, a: str, b: str) -> float | None:
        metric = self.measure.currentIndex()
        if metric == 2:
            return self.report.tokens.kappa(a, b)
        if metric == FIGURE_VALUES:
            return self.report.figure_value(a, b).micro.agreement
        mode = "strict" if metric == 0 else "lenient"
        return self.report.span_scores(a, b, mode).micro.f1

    def _fill_matrix(self) -> None:
        names = self.report.annotators
        for row, a in enumerate(names):
            for column, b in enumerate(names):
                if a == b:
                    item = QTableWidgetItem("—")
                else:
                    value = self.value(a, b)
                    text = _fmt(value)
                    if self.measure.currentIndex() == FIGURE_VALUES:
                        counts = self.report.figure_value(a, b).micro
                        text += f" ({counts.agreed}/{counts.compared})"
                    item = QTableWidgetItem(text)
                    item.setBackground(heat(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.matrix.setItem(row, column, item)

    def _fill_labels(self) -> None:
        for row, name in enumerate(self.report.labels):
            f1s = [
                s.by_label[name].f1
                for s in self.report.spans["strict"].values()
                if name in s.by_label and s.by_label[name].f1 is not None
            ]
            mean = sum(f1s) / len(f1s) if f1s else None
            self.labels.setItem(row, 0, QTableWidgetItem(name))
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round((mean or 0) * 100))
            bar.setFormat(_fmt(mean))
            self.labels.setCellWidget(row, 1, bar)
            unitizing = self.report.unitizing_by_label.get(name)
            self.labels.setItem(
                row, 2, QTableWidgetItem(_fmt(unitizing.alpha if unitizing else None))
            )

    def disagreeing_articles(self, a: str, b: str) -> list[str]:
        """Articles where these two said different things, in order."""
        seen: dict[str, None] = {}
        for d in self.report.disagreements:
            if _as_set(d.said.get(a, ())) != _as_set(d.said.get(b, ())):
                seen.setdefault(d.article, None)
        return list(seen)

    def _cell_clicked(self, row: int, column: int) -> None:
        names = self.report.annotators
        a, b = names[row], names[column]
        self.articles.clear()
        if a == b:
            return
        self._pair = [a, b]
        found = self.disagreeing_articles(a, b)
        self.pair_label.setText(f"{a} and {b} disagree in {len(found)} article(s):")
        for article_id in found:
            item = QListWidgetItem(f"{self._title_of(article_id)}  [{article_id}]")
            item.setData(Qt.ItemDataRole.UserRole, article_id)
            self.articles.addItem(item)

    def _article_opened(self, item: QListWidgetItem) -> None:
        if self._open_article is not None:
            self._open_article(list(self.report.annotators), item.data(Qt.ItemDataRole.UserRole))


def _as_set(spans) -> set:  # type: ignore[no-untyped-def]
    return {(s.start, s.end, s.label, attribute_key(s.attrs)) for s in spans}


def _figure_values(report: AgreementReport) -> str:
    """Pooled over the pairs: "3/4 (0.75)", or "—" when no pair shares a FIGURE span."""
    names = report.annotators
    pairs = [report.figure_value(a, b).micro for k, a in enumerate(names) for b in names[k + 1 :]]
    agreed, compared = sum(p.agreed for p in pairs), sum(p.compared for p in pairs)
    return f"{agreed}/{compared} ({agreed / compared:.2f})" if compared else "—"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
