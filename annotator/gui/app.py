"""Starting the window: `annotator`, `annotator gui` and the `annotator-gui` script.

The window shows at once on the first (or last) article. Pre-annotation of
what is not yet pre-annotated (found by a store query, without spaCy), and
spaCy's tokenizer for snapping spans to tokens, load in a worker thread
meanwhile.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QInputDialog

from annotator.core.first_run import prepare
from annotator.core.paths import default_db_path
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow
from annotator.gui.session import Session
from annotator.gui.tasks import wait_for_left_tasks


def build_window(
    db_path: Path, annotator: str, settings: QSettings | None = None, preannotate: bool = True
) -> MainWindow:
    """Open the store, the session and the window, and start the background work."""
    store = Store.open(db_path)
    prepare(store)
    window = MainWindow(Session(store, annotator), settings)
    window.open_first_article()
    if preannotate:
        window.start_background_work()
    return window


def choose_annotator(
    settings: QSettings, given: str | None = None, remember: bool = False
) -> str | None:
    """Whose work this run is: the name given (for this run only, unless `remember`),
    else the remembered default, else asked once and remembered.

    A one-off `--annotator lead` must not turn later runs into the lead's.
    """
    if given and given.strip():
        if remember:
            settings.setValue("annotator", given.strip())
        return given.strip()
    return ask_annotator(settings)


def ask_annotator(settings: QSettings) -> str | None:
    """The annotator's name: remembered, else asked once."""
    name = settings.value("annotator")
    if name:
        return str(name)
    name, ok = QInputDialog.getText(
        None,
        "Annotator",
        "Your name, as it will appear on your annotations:",
        text=getpass.getuser(),
    )
    if not ok or not name.strip():
        return None
    settings.setValue("annotator", name.strip())
    return name.strip()


def run(db_path: Path | None = None, annotator: str | None = None, remember: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Annotator")
    settings = QSettings("annotator", "annotator")
    annotator = choose_annotator(settings, annotator, remember)
    if annotator is None:
        return 1
    window = build_window(db_path or default_db_path(), annotator, settings)
    window.show()
    if os.environ.get("ANNOTATOR_TEST_DRIVER") == "1":
        from annotator.gui.driver import Driver

        Driver(window)
    status = app.exec()
    # The app can quit with the window still open (the test driver): stop its task too.
    # A task left running (spaCy still loading) ends before the process does.
    window.tasks.stop(0)
    wait_for_left_tasks()
    return status


def main() -> int:
    return run()
