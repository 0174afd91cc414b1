"""The keyboard workflow end to end, checking committed rows after each step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from annotator.gui.main_window import MainWindow
from tests.gui.conftest import committed

ALT, SHIFT, CTRL = (
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
)


def annotations(window: MainWindow) -> list[tuple]:
    return committed(
        window.session.store.path,
        'SELECT start, "end", label, origin FROM annotations ORDER BY id',
    )


def focused_text(window: MainWindow) -> str:
    item = window.session.editor.focused()
    assert item is not None
    return window.session.editor.text[item.span.start : item.span.end]


def select(window: MainWindow, start: int, end: int) -> None:
    cursor = window.view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)


def test_keyboard_workflow(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view, session = window.view, window.session
    text = session.editor.text
    assert text.startswith("Plus de 13 000 civils ont pu quitter Alep-Est")

    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert focused_text(window) == "Plus de 13 000 civils"
    qtbot.keyClick(view, Qt.Key.Key_Return)  # accept
    assert annotations(window) == [(0, 21, "FIGURE", "accepted")]
    assert focused_text(window) == "Alep-Est"  # focus went on to the next span

    qtbot.keyClick(view, Qt.Key.Key_Delete)  # reject the suggestion
    assert committed(session.store.path, "SELECT count(*) FROM rejections") == [(1,)]
    assert focused_text(window) == "ministère de la Défense russe"

    qtbot.keyClick(view, Qt.Key.Key_Backtab)  # Shift+Tab goes back
    assert focused_text(window) == "Plus de 13 000 civils"
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_3)  # relabel ORG -> LOC: accepted as edited
    assert annotations(window)[-1] == (55, 84, "LOC", "edited")

    qtbot.keyClick(view, Qt.Key.Key_Left, ALT)  # start one token left
    assert focused_text(window) == "le ministère de la Défense russe"
    qtbot.keyClick(view, Qt.Key.Key_Left, ALT | SHIFT)  # end one token left
    assert focused_text(window) == "le ministère de la Défense"
    qtbot.keyClick(view, Qt.Key.Key_Right, ALT | CTRL)  # start one character right
    assert focused_text(window) == "e ministère de la Défense"
    assert annotations(window)[-1][:3] == (53, 78, "LOC")

    start = text.index("quitter")
    select(window, start + 2, start + 5)  # inside "quitter": snapped to the word
    qtbot.keyClick(view, Qt.Key.Key_4)
    assert annotations(window)[-1] == (start, start + 7, "MISC", "manual")
    select(window, start + 2, start + 5)
    qtbot.keyClick(view, Qt.Key.Key_4, ALT)  # Alt keeps the exact characters
    assert annotations(window)[-1] == (start + 2, start + 5, "MISC", "manual")

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert len(annotations(window)) == 3
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(annotations(window)) == 4

    pending = [i for i in session.editor.items.values() if i.is_suggestion]
    qtbot.keyClick(view, Qt.Key.Key_Return, SHIFT)  # accept all the rest
    assert len(annotations(window)) == 4 + len(pending)
    assert not any(i.is_suggestion for i in session.editor.items.values())

    first = session.article_id
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)  # done, next not done
    assert committed(
        session.store.path,
        "SELECT status FROM article_status WHERE article_id = ?",
        (first,),
    ) == [("done",)]
    assert session.article_id != first
    assert window.done_label.text() == "1 / 2 done"

    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert session.article_id == first
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert session.article_id != first
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo reaches back across the switch
    assert session.article_id == first
    assert committed(
        session.store.path,
        "SELECT status FROM article_status WHERE article_id = ?",
        (first,),
    ) == [("in_progress",)]


def test_keys_work_while_the_read_only_view_has_focus(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.view.isReadOnly()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return, SHIFT)
    assert len(annotations(window)) > 30


def test_mouse_click_focuses_the_span_under_it(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = window.view
    text = window.session.editor.text
    position = text.index("Alep-Est") + 2
    cursor = view.textCursor()
    cursor.setPosition(position)
    point = view.cursorRect(cursor).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert focused_text(window) == "Alep-Est"
