"""Start-up of the windowed app (the `annotator-gui` script).

The annotation window arrives with its own issue; until then the windowed
entry point prepares the database as `annotator` does and says so.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.first_run import prepare
from annotator.core.paths import default_db_path
from annotator.core.store import Store


def main() -> int:
    app = QApplication(sys.argv)
    with Store.open(default_db_path()) as store:
        done = prepare(store)
    QMessageBox.information(
        None,
        "Annotator",
        f"{done.describe()}\n\nThe annotation window is not built yet; use the "
        "`annotator` command (list, stats, import) meanwhile.",
    )
    del app
    return 0
