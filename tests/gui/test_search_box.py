"""The window's search box: any text typed is a search, the last word a prefix as it is
typed, and a search that fails empties the list and says why (issue #12, 8)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from annotator.gui.main_window import MainWindow


def type_search(qtbot, window: MainWindow, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the search box: keys for ASCII, the rest as an input method puts it (QTest
    has no key for "ï")."""
    window.search.clear()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(window.search, char)
        else:
            window.search.insert(char)


def shown_titles(window: MainWindow) -> list[str]:
    model = window.articles
    return [model.index(r, 0).data()[:6] for r in range(model.rowCount())]


def test_the_last_word_is_a_prefix_as_it_is_typed(qtbot, plain_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    type_search(qtbot, plain_window, "russe Choï")  # no Return: typing pauses

    qtbot.waitUntil(lambda: shown_titles(plain_window) == ["Depuis"], timeout=3000)
    assert plain_window.search_note.text() == "1 article(s) match."


@pytest.mark.parametrize(
    "text", ['"', "russe AND (", "NOT", "text:Choïgou", "*", "-", "NEAR(russe", "😀 \"'"]
)
def test_hostile_text_gives_a_list_never_a_traceback_nor_stale_rows(  # type: ignore[no-untyped-def]
    qtbot, plain_window: MainWindow, text: str
) -> None:
    type_search(qtbot, plain_window, "Choïgou")
    qtbot.keyClick(plain_window.search, Qt.Key.Key_Return)
    assert shown_titles(plain_window) == ["Depuis"]

    type_search(qtbot, plain_window, text)
    qtbot.keyClick(plain_window.search, Qt.Key.Key_Return)  # a slot's traceback fails the test

    expected = plain_window.session.store.articles.list(search=text, prefix=True)
    assert shown_titles(plain_window) == [a.title[:6] for a in expected]
    if not expected:
        assert plain_window.search_note.isVisible()
        assert plain_window.search_note.text() == f"No article matches “{text.strip()}”."


def test_a_failed_search_empties_the_list_and_says_why(qtbot, plain_window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    type_search(qtbot, plain_window, "russe")
    qtbot.keyClick(plain_window.search, Qt.Key.Key_Return)
    assert len(shown_titles(plain_window)) == 2
    with sqlite3.connect(plain_window.session.store.path) as db:  # the search index lost
        db.execute("DROP TABLE articles_fts")

    type_search(qtbot, plain_window, "russe Choïgou")
    qtbot.keyClick(plain_window.search, Qt.Key.Key_Return)

    assert shown_titles(plain_window) == []  # not the two rows of "russe" any more
    assert plain_window.search_note.isVisible()
    assert plain_window.search_note.text().startswith("Search failed, nothing listed:")
    assert "no such table" in plain_window.search_note.text()
    type_search(qtbot, plain_window, "")  # no search: the list is back
    qtbot.waitUntil(lambda: len(shown_titles(plain_window)) == 2, timeout=3000)
    assert not plain_window.search_note.isVisible()
