"""Review mode: three annotators' versions together, decided into gold by keys."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.exporters import export_jsonl
from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import Store
from annotator.gui.review_window import ReviewWindow
from tests.core.test_merge_adjudicate import annotate, machine

CTRL = Qt.KeyboardModifier.ControlModifier


def test_review_takes_spans_and_versions_into_gold(qtbot, tmp_path: Path, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    store = machine(tmp_path / "team.db", corpus_dir)
    annotate(store, "alice")
    annotate(store, "bob", reject_first=True)
    annotate(store, "carol", reject_first=True)
    window = ReviewWindow(store, "lead", ["alice", "bob", "carol"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view, editor = window.view, window.editor
    second = window.ids[1]
    window.open(second)
    # What all three agree on is in gold already; alice's lone span is a red candidate.
    agreed = len(store.gold.for_article(second))
    assert agreed >= 1
    (lone,) = editor.candidates.values()
    assert lone.support == "one" and lone.supporters == ("alice",)

    qtbot.keyClick(view, Qt.Key.Key_Tab)
    while editor.focus is not None and editor.focus[0] != "candidate":
        qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # take it
    assert len(store.gold.for_article(second)) == agreed + 1
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # undo takes it out again
    assert len(store.gold.for_article(second)) == agreed
    qtbot.keyClick(view, Qt.Key.Key_1)  # alice's whole version
    assert len(store.gold.for_article(second)) == agreed + 1
    # One key took a whole version: the lead is told how much, and how to undo it.
    assert window.statusBar().currentMessage() == (
        "Took 1 span(s) of alice's version of the article into gold (Ctrl+Z undoes it)."
    )
    gold = {g.span.label: g for g in store.gold.for_article(second)}
    assert all(g.adjudicator == "lead" for g in gold.values())
    qtbot.keyClick(view, Qt.Key.Key_Return, CTRL)
    assert store.gold.status(second) == "adjudicated"
    window.grab().save(str(tmp_path / "review.png"))
    # The keys are named above the text; the status line keeps its width for the focus.
    assert "1: take alice's version" in window.legend.text()
    assert window.legend.isVisible() and window.legend.y() < window.view.y()

    out = tmp_path / "gold.jsonl"
    assert export_jsonl(store, out, source="gold", status="done").articles == 1
    window.close()
    Store.close(store)


def test_taking_a_span_that_overlaps_gold_says_so(qtbot, tmp_path: Path, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Found in the team trial: Enter, Enter took alice's «AFP» and then bob's «AFP Ingy
    Sedky» into gold without a word; the spaCy and CoNLL exports keep only one."""
    store = Store.open(tmp_path / "team.db")
    import_paths(store, [corpus_dir])
    ids = store.articles.ids()
    article = next(i for i in ids if "AFP Ingy Sedky" in store.articles.get(i).text)
    text = store.articles.get(article).text
    start = text.index("AFP Ingy Sedky")
    store.annotations.add("alice", article, Span(start, start + 3, "ORG"))
    store.annotations.add("bob", article, Span(start, start + 14, "ORG"))
    for name in ("alice", "bob"):
        store.statuses.set(name, article, Status.DONE)
    window = ReviewWindow(store, "lead", ["alice", "bob"])
    qtbot.addWidget(window)
    window.show()
    window.open(article)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # «AFP» (the first in text order)
    assert window.statusBar().currentMessage() == ""
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # «AFP Ingy Sedky»: overlaps it
    assert window.statusBar().currentMessage().startswith("Taken, but it overlaps gold ORG «AFP»")
    assert len(store.gold.for_article(article)) == 2  # taken all the same: the lead decides
    window.close()
    store.close()
