"""Another program holds the store's write lock (a long merge): the window keeps the action.

A real second connection takes the lock (`BEGIN IMMEDIATE`) on the same file
while keys are pressed; the window must not freeze, must say the store is
busy, must not show the action as done, and must save every action exactly
once, in order, when the lock is released. pytest-qt fails a test on any
exception escaping a Qt virtual (keyPressEvent), as "database is locked" did.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.gui.main_window import MainWindow
from tests.gui.conftest import committed
from tests.gui.test_review_focus import review as review  # the lead's window: a fixture

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


@contextmanager
def another_writer(db: Path) -> Iterator[sqlite3.Connection]:
    """A connection of another program that holds the write lock until the block ends."""
    with closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")


def timed_key(qtbot, window: MainWindow, key: Qt.Key, modifier) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    qtbot.keyClick(window.view, key, modifier)
    return time.monotonic() - started


def annotation_rows(db: Path, article: str) -> list[tuple]:
    return committed(db, "SELECT origin FROM annotations WHERE article_id = ?", (article,))


def test_an_accept_all_on_a_busy_store_waits_and_lands_once_in_order(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    session, db = window.session, window.session.store.path
    article = session.article_id
    assert article is not None
    suggestions = sum(1 for item in session.editor.items.values() if item.is_suggestion)
    assert suggestions > 10

    with another_writer(db):
        waited = timed_key(qtbot, window, Qt.Key.Key_Return, SHIFT)  # accept all
        assert waited < 1.0  # no 10 s freeze
        assert "Store busy" in window.statusBar().currentMessage()
        assert len(session.pending) == 1
        # Nothing is shown as done that is not on disk.
        assert annotation_rows(db, article) == []
        assert sum(1 for i in session.editor.items.values() if i.is_suggestion) == suggestions
        timed_key(qtbot, window, Qt.Key.Key_Return, CTRL)  # done, next: after it, in order
        assert len(session.pending) == 2
        label = window.findChild(type(window.who), "pendingLabel")
        assert label.isVisible() and "2 action(s) not saved yet" in label.text()
        qtbot.wait(700)  # the retries meet the lock again: still waiting, still nothing
        assert len(session.pending) == 2 and annotation_rows(db, article) == []

    qtbot.waitUntil(lambda: len(session.pending) == 0, timeout=5000)
    assert annotation_rows(db, article) == [("accepted",)] * suggestions  # exactly once
    status = committed(
        db,
        "SELECT s.status FROM article_status s JOIN annotators a ON a.id = s.annotator_id"
        " WHERE a.name = 'alice' AND s.article_id = ?",
        (article,),
    )
    assert status == [("done",)]
    kinds = [k for (k,) in committed(
        db, "SELECT kind FROM events WHERE article_id = ? ORDER BY id", (article,))]  # fmt: skip
    assert kinds.index("status.set") > max(i for i, k in enumerate(kinds) if k != "status.set")
    assert session.article_id != article  # the Ctrl+Enter moved on, after the save
    assert "Saved: the 2 action(s)" in window.statusBar().currentMessage()
    assert not label.isVisible()


def test_a_window_closed_while_actions_wait_saves_them_first(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow
) -> None:
    session, db = window.session, window.session.store.path
    article = session.article_id
    assert article is not None

    with another_writer(db):
        qtbot.keyClick(window.view, Qt.Key.Key_Tab)
        qtbot.keyClick(window.view, Qt.Key.Key_Return, SHIFT)
        window.close()  # asked while the action waits: the window stays until it is saved
        assert window.isVisible() and len(session.pending) == 1

    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert len(session.pending) == 0
    assert len(annotation_rows(db, article)) > 10


def test_the_review_keeps_the_leads_decisions_on_a_busy_store(  # type: ignore[no-untyped-def]
    qtbot, review
) -> None:
    """The lead's review window too: a take and a finish wait in order, never lost."""
    db, first = review.store.path, review.ids[0]
    gold = "SELECT count(*) FROM gold_spans WHERE article_id = ?"
    with another_writer(db):
        started = time.monotonic()
        qtbot.keyClick(review.view, Qt.Key.Key_Return)  # take the focused candidate
        qtbot.keyClick(review.view, Qt.Key.Key_Return, CTRL)  # finished, next article
        assert time.monotonic() - started < 1.5  # no 10 s freeze
        assert len(review.pending) == 2 and committed(db, gold, (first,)) == [(0,)]
        assert "Store busy" in review.statusBar().currentMessage()
        assert review.articles.currentRow() == 0  # not moved on: nothing shown done

    qtbot.waitUntil(lambda: len(review.pending) == 0, timeout=5000)
    assert committed(db, gold, (first,)) == [(1,)]  # exactly once
    assert review.store.gold.status(first) == "adjudicated"
    assert review.articles.currentRow() == 1
