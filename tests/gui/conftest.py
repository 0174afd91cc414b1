"""A real window on a real database with real suggestions, driven by pytest-qt."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from annotator.core.importing import import_paths
from annotator.core.preannotation.run import preannotate
from annotator.core.store import Store
from annotator.gui.app import build_window
from annotator.gui.main_window import MainWindow
from tests.conftest import CORPUS


@pytest.fixture
def prepared_db(db_path: Path, pipeline) -> Path:  # type: ignore[no-untyped-def]
    """The sample corpus, imported and pre-annotated."""
    with Store.open(db_path) as store:
        import_paths(store, [CORPUS])
        preannotate(store, pipeline=pipeline)
    return db_path


def make_window(  # type: ignore[no-untyped-def]
    qtbot,
    db: Path,
    annotator: str,
    tmp_path: Path,
    settings: QSettings | None = None,
    preannotate: bool = False,
) -> MainWindow:
    """A real window, as `annotator gui` builds it (its background work only if asked)."""
    if settings is None:
        settings = QSettings(str(tmp_path / f"{annotator}.ini"), QSettings.Format.IniFormat)
    window = build_window(db, annotator, settings, preannotate=preannotate)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.view.setFocus()
    return window


@pytest.fixture
def plain_window(qtbot, db_path: Path, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """The sample corpus, imported without suggestions, in alice's window."""
    with Store.open(db_path) as store:
        assert import_paths(store, [CORPUS]).ok
    window = make_window(qtbot, db_path, "alice", tmp_path)
    yield window
    window.close()
    window.session.store.close()


@pytest.fixture
def window(qtbot, prepared_db: Path, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = make_window(qtbot, prepared_db, "alice", tmp_path)
    yield win
    win.close()
    win.session.store.close()


def committed(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    """Rows as another connection sees them: only what was committed."""
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, args).fetchall()
