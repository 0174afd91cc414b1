"""Review: the focused candidate is unmistakable, moves on after a decision, and the
article list follows the store (issue #12, defect 7).

Alice accepts every suggestion; Bob marks "Alep" as ORG where Alice has LOC,
and leaves "Syrie" out. So the second article has three candidates: Syrie
(alice), Alep LOC (alice) and Alep ORG (bob), two of them on the same text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from annotator.core.editing import ArticleEditor
from annotator.core.records import Status
from annotator.core.store import Store
from annotator.gui.review_window import ReviewWindow
from tests.core.test_merge_adjudicate import machine

CTRL = Qt.KeyboardModifier.ControlModifier


def annotate(store: Store, name: str, *, alep: str = "LOC", drop: str | None = None) -> None:
    editor = ArticleEditor(store, name)
    for article_id in store.articles.ids():
        editor.open(article_id)
        editor.accept_all()
        for item in editor.ordered():
            word = editor.text[item.span.start : item.span.end]
            if word == "Alep" and item.span.label != alep:
                editor.set_focus(item.key)
                editor.relabel(alep)
            elif word == drop:
                editor.set_focus(item.key)
                editor.reject_or_delete()
        editor.set_status(Status.DONE)


@pytest.fixture
def review(qtbot, tmp_path: Path, corpus_dir: Path) -> Iterator[ReviewWindow]:  # type: ignore[no-untyped-def]
    store = machine(tmp_path / "team.db", corpus_dir)
    annotate(store, "alice")
    annotate(store, "bob", alep="ORG", drop="Syrie")
    window = ReviewWindow(store, "lead", ["alice", "bob"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    store.close()


def shown(window: ReviewWindow) -> dict[str, str]:
    """The selected row of the span table, by column name."""
    table = window.spans
    rows = {i.row() for i in table.selectedItems()}
    assert len(rows) == 1, "exactly one row is selected"
    (row,) = rows
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return {name: table.item(row, c).text() for c, name in enumerate(headers)}


def focused_word(window: ReviewWindow) -> tuple[str, str, tuple[str, ...]]:
    item = window.editor.focused()
    assert item is not None
    text = window.editor.text[item.span.start : item.span.end]
    return text, item.span.label, window.editor.supporters_of(item)


def test_focus_is_shown_and_moves_to_the_next_undecided_candidate(qtbot, review) -> None:  # type: ignore[no-untyped-def]
    window, view = review, review.view
    window.open(window.ids[1])
    # On opening, the first undecided candidate is focused, selected and named.
    assert focused_word(window) == ("Syrie", "LOC", ("alice",))
    row = shown(window)
    assert (row["Text"], row["Label"], row["Annotators"]) == ("Syrie", "LOC", "alice")
    assert "LOC «Syrie»" in window.focus_line.text() and "alice" in window.focus_line.text()

    qtbot.keyClick(view, Qt.Key.Key_Return)  # take Syrie
    # The focus moves on to the next undecided candidate, not back to the first span.
    assert focused_word(window) == ("Alep", "LOC", ("alice",))
    assert (shown(window)["Text"], shown(window)["Label"]) == ("Alep", "LOC")

    qtbot.keyClick(view, Qt.Key.Key_Tab)  # the other candidate on the same text
    assert focused_word(window) == ("Alep", "ORG", ("bob",))
    row = shown(window)
    assert (row["Text"], row["Label"], row["Annotators"]) == ("Alep", "ORG", "bob")
    line = window.focus_line.text()
    assert "ORG «Alep»" in line and "bob" in line and "alice" not in line
    selected = window.spans.selectedItems()[0]
    window.spans.scrollToItem(selected)  # it was scrolled to already: nothing moves
    assert window.spans.visualItemRect(selected).intersects(window.spans.viewport().rect())

    qtbot.keyClick(view, Qt.Key.Key_Return)  # take bob's ORG
    # Nothing undecided after it: the focus wraps to the one left.
    assert focused_word(window) == ("Alep", "LOC", ("alice",))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.editor.focused() is None and not window.editor.candidates
    assert "Nothing left to decide" in window.focus_line.text()


def test_annotators_column_is_visible_without_scrolling(review) -> None:  # type: ignore[no-untyped-def]
    table = review.spans
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    column = headers.index("Annotators")
    assert table.horizontalScrollBar().value() == 0
    right = table.columnViewportPosition(column) + table.columnWidth(column)
    assert table.columnViewportPosition(column) >= 0 and right <= table.viewport().width()


def test_after_taking_the_focus_moves_on_not_back_to_the_first_span(qtbot, review) -> None:  # type: ignore[no-untyped-def]
    window, view = review, review.view
    window.open(window.ids[1])
    (alep_loc,) = [
        n
        for n, c in window.editor.candidates.items()
        if (window.editor.text[c.span.start : c.span.end], c.span.label) == ("Alep", "LOC")
    ]
    window.editor.focus = ("candidate", alep_loc)  # as a click on its row does
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert focused_word(window) == ("Alep", "ORG", ("bob",))  # the next one, same text
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # Delete on a candidate: nothing to drop
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert focused_word(window) == ("Syrie", "LOC", ("alice",))  # wrapped round
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # to the gold AFP, then drop it
    assert window.editor.focus is not None and window.editor.focus[0] == "gold"
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert focused_word(window) == ("AFP", "ORG", ("alice", "bob"))  # a candidate again


def test_an_article_with_gold_is_listed_in_review(qtbot, review) -> None:  # type: ignore[no-untyped-def]
    """The first article has nothing agreed: taking one span is what puts it in review."""
    window, view = review, review.view
    assert window.articles.item(0).text().startswith("[to review]")
    assert focused_word(window) == ("Alep", "LOC", ("alice",))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.store.gold.status(window.ids[0]) == "in_review"
    assert window.articles.item(0).text().startswith("[in_review]")


def test_article_list_follows_the_store(qtbot, review, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window, view = review, review.view
    first, second = window.ids
    assert window.articles.currentRow() == 0
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)  # finish the first, open the second
    assert window.store.gold.status(first) == "adjudicated"
    assert window.articles.currentRow() == 1
    assert window.articles.item(0).text().startswith("[adjudicated]")

    # Another process reopens the first article while the window shows the second.
    with Store.open(tmp_path / "team.db") as other:
        other.gold.set_status("carla", first, "in_review")
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # any action reads the statuses again
    assert window.articles.item(0).text().startswith("[in_review]")

    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo the lead's last action
    qtbot.keyClick(view, Qt.Key.Key_PageUp)  # back to the first: as the store says
    statuses = [window.articles.item(r).text().split("]")[0] + "]" for r in range(2)]
    assert statuses == [f"[{window.store.gold.status(i) or 'to review'}]" for i in (first, second)]

    again = ReviewWindow(window.store, "lead", ["alice", "bob"])  # reopened
    qtbot.addWidget(again)
    assert [again.articles.item(r).text() for r in range(2)] == [
        window.articles.item(r).text() for r in range(2)
    ]


def test_coming_back_to_the_window_reads_the_store_again(qtbot, review, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`annotator adjudicate` ran while the lead was in another window."""
    window = review
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(elsewhere.isActiveWindow, timeout=2000)
    with Store.open(tmp_path / "team.db") as other:
        other.gold.set_status("auto", window.ids[1], "adjudicated")
    window.activateWindow()
    qtbot.waitUntil(
        lambda: window.articles.item(1).text().startswith("[adjudicated]"), timeout=2000
    )
