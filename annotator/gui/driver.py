"""A test hook: drive the real window with keys read from standard input.

Enabled only by the environment variable ANNOTATOR_TEST_DRIVER=1 (the crash
test starts the app as a separate process this way). Each input line is a key
sequence in the key table's spelling ("Tab", "Shift+Return"); after the window
has handled it, one line `shown {json}` tells what the window now shows. The
test sends the next key only after that line, so reading stdin one line at a
time never falls behind.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QObject, QSocketNotifier
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.main_window import MainWindow

ENV = "ANNOTATOR_TEST_DRIVER"


class Driver(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)
        self._report("ready")

    def _read(self) -> None:
        line = sys.stdin.readline()
        if not line:
            self._notifier.setEnabled(False)
            QApplication.quit()
            return
        combination = QKeySequence(line.strip())[0]
        view = self._window.view
        view.setFocus()
        QTest.keyClick(view, combination.key(), combination.keyboardModifiers())
        self._report("shown")

    def _report(self, word: str) -> None:
        session = self._window.session
        article = session.article_id
        row = self._window.articles.row_of(article) if article else None
        status = self._window.articles.index(row, 1).data() if row is not None else None
        annotations = sorted(
            [i.id, i.span.start, i.span.end, i.span.label]
            for i in session.editor.items.values()
            if not i.is_suggestion
        )
        state = {"article": article, "annotations": annotations, "status": status}
        sys.stdout.write(f"{word} {json.dumps(state)}\n")
        sys.stdout.flush()
