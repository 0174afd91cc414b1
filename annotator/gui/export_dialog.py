"""The export dialog: format, whose spans, which articles, the split; run off the UI thread.

It opens on the format and folder of the last export (kept in the settings),
else brat in the home folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from annotator.core.exporters.formats import EXPORTERS, FOLDER_FORMATS, SUFFIXES
from annotator.core.store import Store

DEFAULT_FORMAT = "brat"
FORMAT_KEY = "export/format"
FOLDER_KEY = "export/folder"


class ExportDialog(QDialog):
    def __init__(
        self, store: Store, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings or QSettings("annotator", "annotator")
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.format = QComboBox()
        self.format.addItems(sorted(EXPORTERS))
        self.source = QComboBox()
        self.source.addItem("gold")
        self.source.addItem("suggestions")
        self.source.addItems([a.name for a in store.annotators.list()])
        self.status = QComboBox()
        self.status.addItems(["done", "all"])
        self.split = QLineEdit("0.8,0.1,0.1")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        folder = Path(str(self.settings.value(FOLDER_KEY, "") or Path.home()))
        self.out = QLineEdit(str(folder / "export"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.out)
        where.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("Spans of", self.source)
        form.addRow("Articles", self.status)
        form.addRow("Split (spaCy)", self.split)
        form.addRow("Seed (spaCy)", self.seed)
        form.addRow("Write to", where)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentTextChanged.connect(self._format_changed)
        last = str(self.settings.value(FORMAT_KEY, DEFAULT_FORMAT))
        self.format.setCurrentText(last if last in EXPORTERS else DEFAULT_FORMAT)
        self._format_changed(self.format.currentText())

    def accept(self) -> None:
        """Remember the format and folder for the next export."""
        self.settings.setValue(FORMAT_KEY, self.format.currentText())
        self.settings.setValue(FOLDER_KEY, str(Path(self.out.text()).expanduser().parent))
        super().accept()

    def _format_changed(self, name: str) -> None:
        spacy = name == "spacy"
        self.split.setEnabled(spacy)
        self.seed.setEnabled(spacy)
        path = Path(self.out.text())
        stem = path.with_suffix("") if path.suffix else path
        self.out.setText(str(stem) + SUFFIXES.get(name, ""))

    def _browse(self) -> None:
        if self.format.currentText() in FOLDER_FORMATS:
            chosen = QFileDialog.getExistingDirectory(self, "Export into a folder")
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to a file", self.out.text())
        if chosen:
            self.out.setText(chosen)

    def options(self) -> dict:
        """What to pass to the exporter."""
        name = self.format.currentText()
        options = {"source": self.source.currentText(), "status": self.status.currentText()}
        if name == "spacy":
            options["split"] = tuple(float(x) for x in self.split.text().split(","))
            options["seed"] = self.seed.value()
        return {"format": name, "out": Path(self.out.text()), **options}
