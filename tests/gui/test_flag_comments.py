"""Article → Flag with a comment: the comment is shown (article list, the line above the
text) and kept when the article is then marked done with Ctrl+Return (issue #12, 6)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QInputDialog

from annotator.core.records import Status
from annotator.gui.article_list import COMMENT_MARK
from annotator.gui.main_window import MainWindow
from tests.gui.conftest import committed

COMMENT = "« 13 346 civils » : le chiffre du ministère ou de l’ONU ?"


def flag_from_the_menu(qtbot, window: MainWindow, comment: str | None) -> str:  # type: ignore[no-untyped-def]
    """Article → Flag with a comment…, the dialog answered as a user would; returns the text
    the dialog offered before it was edited. `comment` None: the dialog is cancelled."""
    offered: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        offered.append(dialog.textValue())
        if comment is None:
            dialog.reject()
            return
        dialog.setTextValue(comment)
        dialog.accept()

    action = next(a for a in window.findChildren(QAction) if a.text().startswith("Flag"))
    QTimer.singleShot(0, answer)
    action.trigger()  # the dialog runs its own loop until answered
    assert offered, "no dialog was shown"
    return offered[0]


def row_of(window: MainWindow, article_id: str) -> int:
    row = window.articles.row_of(article_id)
    assert row is not None
    return row


def test_the_comment_shows_in_the_list_and_above_the_text(qtbot, plain_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = plain_window
    article = window.session.article_id
    assert article is not None

    assert flag_from_the_menu(qtbot, window, COMMENT) == ""

    assert window.session.store.statuses.get(article, "alice").comment == COMMENT
    assert window.header.text() == f"alice: flagged — comment: {COMMENT}"
    status_cell = window.articles.index(row_of(window, article), 1)
    assert status_cell.data() == "flagged" + COMMENT_MARK
    assert COMMENT in status_cell.data(Qt.ItemDataRole.ToolTipRole)
    title_cell = window.articles.index(row_of(window, article), 0)
    assert COMMENT in title_cell.data(Qt.ItemDataRole.ToolTipRole)
    other = next(r for r in range(window.articles.rowCount()) if r != row_of(window, article))
    assert window.articles.index(other, 1).data() == "todo"  # no mark without a comment


def test_done_and_next_keeps_the_comment(qtbot, plain_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window = plain_window
    article = window.session.article_id
    assert article is not None
    flag_from_the_menu(qtbot, window, COMMENT)

    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert window.session.article_id != article  # moved on to the next article
    assert committed(
        window.session.store.path, "SELECT status, comment FROM article_status"
    ) == [("done", COMMENT)]
    assert window.articles.index(row_of(window, article), 1).data() == "done" + COMMENT_MARK
    assert window.header.text() == "alice: todo"  # the next article's own line
    qtbot.keyClick(window.view, Qt.Key.Key_PageUp)  # back to it
    assert window.session.article_id == article
    assert window.header.text() == f"alice: done — comment: {COMMENT}"


def test_the_dialog_offers_the_comment_to_edit_and_emptying_it_clears_it(  # type: ignore[no-untyped-def]
    qtbot, plain_window: MainWindow
) -> None:
    window = plain_window
    article = window.session.article_id
    assert article is not None
    flag_from_the_menu(qtbot, window, COMMENT)
    store = window.session.store

    assert flag_from_the_menu(qtbot, window, None) == COMMENT  # cancelled: nothing changes
    assert store.statuses.get(article, "alice").comment == COMMENT
    assert flag_from_the_menu(qtbot, window, "") == COMMENT
    assert store.statuses.get(article, "alice").status is Status.FLAGGED
    assert store.statuses.get(article, "alice").comment is None
    assert window.header.text() == "alice: flagged"
    assert window.articles.index(row_of(window, article), 1).data() == "flagged"
