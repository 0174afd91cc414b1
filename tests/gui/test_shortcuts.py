"""Every shortcut the menus show works wherever the focus is in the main window.

The focus goes in turn to the article view and to each widget of the docks
(article list, status filter, search box, span panel); the keys are typed there
and their effect is read from the store. In a text field (the search box),
Ctrl+Z and Ctrl+Shift+Z keep their text-editing meaning: they undo typing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from annotator.core.records import Status
from annotator.gui.cheat_sheet import CheatSheet
from annotator.gui.main_window import MainWindow
from tests.gui.conftest import committed, make_window

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier
TARGETS = {
    "article view": lambda w: w.view,
    "article list": lambda w: w.article_table,
    "status filter": lambda w: w.status_filter,
    "search box": lambda w: w.search,
    "span panel": lambda w: w.spans,
}


def menu_shortcuts(window: MainWindow) -> dict[str, str]:
    """Menu entry -> the shortcut it shows."""
    shown = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if not action.shortcut().isEmpty():
                shown[action.text()] = action.shortcut().toString(
                    QKeySequence.SequenceFormat.PortableText
                )
    return shown


def test_the_menus_show_the_keys_this_test_types(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert menu_shortcuts(window) == {
        "Quit": "Ctrl+Q",
        "Undo": "Ctrl+Z",
        "Redo": "Ctrl+Shift+Z",
        "Accept all suggestions": "Shift+Return",
        "Done, next not done": "Ctrl+Return",
        "Next": "PgDown",
        "Previous": "PgUp",
        "Keys": "F1",
    }


def annotation_count(window: MainWindow) -> int:
    return committed(window.session.store.path, "SELECT count(*) FROM annotations")[0][0]


@pytest.mark.parametrize("target", TARGETS)
def test_menu_shortcuts_work_with_the_focus_in(
    qtbot, prepared_db: Path, tmp_path: Path, target: str
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(qtbot, prepared_db, "alice", tmp_path)
    session = window.session
    widget: QWidget = TARGETS[target](window)

    def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
        window.activateWindow()
        widget.setFocus()  # opening an article gives the view the focus
        qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)
        qtbot.keyClick(widget, key, modifiers)

    try:
        first = session.article_id
        session.focus_next()
        session.accept()
        assert annotation_count(window) == 1
        if isinstance(widget, QLineEdit):
            qtbot.keyClicks(widget, "Alep")
            press(Qt.Key.Key_Z, CTRL)  # undoes the typing, not the annotation
            assert widget.text() != "Alep" and annotation_count(window) == 1
            press(Qt.Key.Key_Z, CTRL | SHIFT)
            assert widget.text() == "Alep" and annotation_count(window) == 1
            widget.clear()
        else:
            press(Qt.Key.Key_Z, CTRL)
            assert annotation_count(window) == 0
            press(Qt.Key.Key_Z, CTRL | SHIFT)
            assert annotation_count(window) == 1

        press(Qt.Key.Key_Return, SHIFT)  # accept all
        suggestions = committed(
            session.store.path, "SELECT count(*) FROM suggestions WHERE article_id = ?", (first,)
        )[0][0]
        assert suggestions > 1 and annotation_count(window) == suggestions
        assert not any(i.is_suggestion for i in session.editor.items.values())

        press(Qt.Key.Key_Return, CTRL)  # done, next not done
        assert session.store.statuses.get(first, "alice").status == Status.DONE
        second = session.article_id
        assert second != first
        press(Qt.Key.Key_PageUp)
        assert session.article_id == first
        press(Qt.Key.Key_PageDown)
        assert session.article_id == second

        press(Qt.Key.Key_F1)
        sheets = [w for w in QApplication.topLevelWidgets() if isinstance(w, CheatSheet)]
        assert any(s.isVisible() for s in sheets)
        for sheet in sheets:
            sheet.close()

        press(Qt.Key.Key_Q, CTRL)
        assert not window.isVisible()
    finally:
        window.close()
        session.store.close()
