"""What the window shows is what the store holds: deletions stick, stale windows
refuse to write contradictions, writes from elsewhere show up, undo says what it
reverts and asks before reverting another window's work (issue #12: 1, 2, 12)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.editing import ArticleEditor
from annotator.core.records import Status
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow
from tests.gui.conftest import committed, make_window

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


def stored_view(window: MainWindow) -> dict:
    """The items a freshly opened editor sees for the window's article and annotator."""
    session = window.session
    with Store.open(session.store.path) as other:
        editor = ArticleEditor(other, session.annotator)
        editor.open(session.article_id)
        return {k: (i.span.start, i.span.end, i.span.label) for k, i in editor.items.items()}


def shown(window: MainWindow) -> dict:
    items = window.session.editor.items
    return {k: (i.span.start, i.span.end, i.span.label) for k, i in items.items()}


def stop_watching(window: MainWindow) -> None:
    """The window does not get the chance to notice by itself (no timer tick)."""
    watch = getattr(window.session, "watch", None)  # absent before issue #12
    if watch is not None:
        watch.stop()


def contradictions(db: Path) -> list[tuple]:
    """Suggestions an annotator both took (an annotation) and rejected."""
    return committed(
        db,
        "SELECT r.suggestion_id FROM rejections r JOIN annotations a"
        " ON a.suggestion_id = r.suggestion_id AND a.annotator_id = r.annotator_id",
    )


def test_deleting_an_accepted_annotation_sticks(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view, session = window.view, window.session
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # accept "Plus de 13 000 civils"
    qtbot.keyClick(view, Qt.Key.Key_Backtab)  # back to the annotation
    item = session.editor.focused()
    assert item is not None and not item.is_suggestion
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert committed(session.store.path, "SELECT count(*) FROM annotations") == [(0,)]
    assert committed(session.store.path, "SELECT count(*) FROM rejections") == [(1,)]

    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert all(i.span.start != 0 for i in session.editor.items.values())
    qtbot.keyClick(view, Qt.Key.Key_Return, SHIFT)  # accept all: not that one again
    assert committed(
        session.store.path, 'SELECT count(*) FROM annotations WHERE start = 0 AND "end" = 21'
    ) == [(0,)]
    assert shown(window) == stored_view(window)

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo accept all
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo the deletion: annotation back, no rejection
    assert committed(
        session.store.path, 'SELECT origin FROM annotations WHERE start = 0 AND "end" = 21'
    ) == [("accepted",)]
    assert committed(session.store.path, "SELECT count(*) FROM rejections") == [(0,)]
    assert shown(window) == stored_view(window)


def test_a_stale_window_writes_no_contradiction(qtbot, prepared_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = make_window(qtbot, prepared_db, "alice", tmp_path / "a")
    b = make_window(qtbot, prepared_db, "alice", tmp_path / "b")
    stop_watching(a)
    assert a.session.article_id == b.session.article_id

    qtbot.keyClick(b.view, Qt.Key.Key_Return, SHIFT)  # B accepts everything
    a.view.setFocus()
    qtbot.keyClick(a.view, Qt.Key.Key_Tab)
    qtbot.keyClick(a.view, Qt.Key.Key_Delete)  # A would reject what B accepted

    assert contradictions(prepared_db) == []
    assert committed(prepared_db, "SELECT count(*) FROM rejections") == [(0,)]
    assert "another window" in a.statusBar().currentMessage()
    assert shown(a) == stored_view(a)  # A now shows what B did
    assert not any(i.is_suggestion for i in a.session.editor.items.values())

    qtbot.keyClick(a.view, Qt.Key.Key_Tab)  # now A acts on what it shows
    qtbot.keyClick(a.view, Qt.Key.Key_Delete)
    assert shown(a) == stored_view(a)
    assert contradictions(prepared_db) == []
    for window in (a, b):
        window.close()
        window.session.store.close()


def test_the_store_guard_catches_a_race_the_window_could_not_see(
    qtbot, prepared_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The write lock decides: a decision taken between the check and the write is refused."""
    a = make_window(qtbot, prepared_db, "alice", tmp_path / "a")
    stop_watching(a)
    qtbot.keyClick(a.view, Qt.Key.Key_Tab)
    suggestion = a.session.editor._suggestions[a.session.editor.focused().id]
    with Store.open(prepared_db) as other:
        other.annotations.accept("alice", suggestion)
    a.session._version = a.session.store.data_version()  # as if it had looked just before
    qtbot.keyClick(a.view, Qt.Key.Key_Delete)
    assert contradictions(prepared_db) == []
    assert "already decided" in a.statusBar().currentMessage()
    assert shown(a) == stored_view(a)
    a.close()
    a.session.store.close()


def test_the_window_follows_writes_from_other_windows_and_commands(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    session, db = window.session, window.session.store.path
    article = session.article_id
    with Store.open(db) as other:
        editor = ArticleEditor(other, "alice")
        editor.open(article)
        editor.accept_all()
        other.statuses.set("alice", article, Status.DONE)
    qtbot.waitUntil(lambda: shown(window) == stored_view(window), timeout=3000)
    qtbot.waitUntil(lambda: window.done_label.text().startswith("1 /"), timeout=3000)
    row = window.articles.row_of(article)
    assert window.articles.index(row, 1).data() == "done"

    # A real command in another process: an import shows in the list at once.
    new = tmp_path / "new"
    new.mkdir()
    (new / "a.txt").write_text(
        "Le Tour de France partira de Lille en 2025, a annoncé Christian Prudhomme.\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(db), "import", str(new)],
        check=True,
        capture_output=True,
    )
    qtbot.waitUntil(lambda: window.articles.rowCount() == 3, timeout=3000)
    assert window.done_label.text() == "1 / 3 done"


def test_undo_says_what_and_where_and_asks_before_undoing_another_windows_work(
    qtbot, prepared_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    a = make_window(qtbot, prepared_db, "alice", tmp_path / "a")
    qtbot.keyClick(a.view, Qt.Key.Key_Tab)
    qtbot.keyClick(a.view, Qt.Key.Key_Return)  # accept "Plus de 13 000 civils"
    first = a.session.article_id
    qtbot.keyClick(a.view, Qt.Key.Key_Return, CTRL)  # done, next
    assert a.session.article_id != first

    b = make_window(qtbot, prepared_db, "alice", tmp_path / "b")
    b.session.open(a.session.article_id)  # an untouched article
    qtbot.keyClick(b.view, Qt.Key.Key_Z, CTRL)
    assert committed(
        prepared_db, "SELECT status FROM article_status WHERE article_id = ?", (first,)
    ) == [("done",)]  # nothing undone yet
    message = b.statusBar().currentMessage()
    assert message.startswith("Press Ctrl+Z again to undo status done in “")
    assert "made in another window or session" in message
    assert b.session.article_id != first  # and B did not jump anywhere

    qtbot.keyClick(b.view, Qt.Key.Key_Z, CTRL)  # asked again: now it is undone
    assert committed(
        prepared_db, "SELECT status FROM article_status WHERE article_id = ?", (first,)
    ) == [("in_progress",)]
    assert b.session.article_id == first
    title = b.session.editor.document.article.title[:20]
    assert b.statusBar().currentMessage().startswith("Undone: status done in “")
    assert title in b.statusBar().currentMessage()

    # A's own action is A's to undo without asking, named with its span.
    qtbot.keyClick(a.view, Qt.Key.Key_Z, CTRL)
    assert "Undone: acceptance of FIGURE “Plus de 13 000 civils”" in a.statusBar().currentMessage()
    assert committed(prepared_db, "SELECT count(*) FROM annotations") == [(0,)]
    for window in (a, b):
        window.close()
        window.session.store.close()


def test_undoing_a_rejection_names_the_suggestion(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # reject "Alep-Est"
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert window.statusBar().currentMessage().startswith("Undone: rejection of LOC “Alep-Est” in")
    assert committed(window.session.store.path, "SELECT count(*) FROM rejections") == [(0,)]
