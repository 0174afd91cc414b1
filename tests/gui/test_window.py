"""The window's parts: item models, screenshot, key table, two windows, background work."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.importing import import_paths
from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id
from annotator.gui.article_list import ArticleListModel
from annotator.gui.keymap import BINDINGS, markdown_table
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import SpanTableModel
from tests.conftest import ROOT
from tests.gui.conftest import committed, make_window

ARTIFACTS = ROOT / "tests" / "artifacts"


def test_item_models_pass_the_model_tester(qtmodeltester, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.articles)
    qtmodeltester.check(window.spans.span_model)
    window.session.accept_all()
    qtmodeltester.check(window.spans.span_model)
    window.articles.set_filter(None, "Choïgou")
    qtmodeltester.check(window.articles)
    assert window.articles.rowCount() == 1


def test_article_list_pages_through_many_articles(qtmodeltester, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "many.db") as store:
        texts = [f"Dépêche {i} : le conseil municipal de Lyon s’est réuni." for i in range(1250)]
        store.articles.add([NewArticle(article_id(t), None, t, "gen", {}, 9) for t in texts])
        model = ArticleListModel(store, "alice")
        assert model.rowCount() == 200 and model.total == 1250
        while model.canFetchMore():
            model.fetchMore()
        assert model.rowCount() == 1250
        qtmodeltester.check(model)


def test_span_model_edits_figure_attributes_through_the_store(window: MainWindow) -> None:
    model: SpanTableModel = window.spans.span_model
    row = next(r for r in range(model.rowCount()) if model.item(r).span.label == "FIGURE")
    column = 3  # value
    assert model.setData(model.index(row, column), "13 500")
    stored = committed(window.session.store.path, "SELECT attrs, origin FROM annotations")
    typed = '{"hand_edited": true, "qualifier": "more_than", "unit": "civils", "value": 13500}'
    assert stored == [(typed, "edited")]
    assert not model.setData(model.index(row, column), "beaucoup")  # not a number


def test_screenshot_of_the_main_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.session.focus_next()
    window.session.accept()
    window.session.focus_next()
    qtbot.wait(50)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "main_window.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 20_000  # a real picture, not a blank frame
    assert "Plus de 13 000 civils" in window.view.toPlainText()


def test_f1_shows_every_key_and_the_readme_has_the_same_table(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    sheet = window.findChild(type(window.show_cheat_sheet()), "cheatSheet")
    assert sheet is not None
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
    assert len({b.keys for b in BINDINGS}) == len(BINDINGS)


def test_text_is_never_read_as_rich_text(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = "<b>Pas gras</b> &amp; <i>ni italique</i> à Paris 😀 puis Lyon.\nFin."
    db = tmp_path / "rich.db"
    with Store.open(db) as store:
        store.articles.add([NewArticle(article_id(text), None, text, "t", {}, 10)])
    window = make_window(qtbot, db, "alice", tmp_path)
    assert window.view.toPlainText() == text
    # An emoji counts 2 in Qt and 1 in Python: a span after it is stored right.
    start = text.index("Lyon")
    cursor = window.view.textCursor()
    cursor.setPosition(start + 1)  # UTF-16: the emoji before it is two units
    cursor.setPosition(start + 5, cursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    qtbot.keyClick(window.view, Qt.Key.Key_3)
    rows = committed(db, 'SELECT start, "end", label FROM annotations')
    assert rows == [(start, start + 4, "LOC")]
    window.close()


def test_two_annotators_work_side_by_side(qtbot, prepared_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    alice = make_window(qtbot, prepared_db, "alice", tmp_path)
    bob = make_window(qtbot, prepared_db, "bob", tmp_path)
    for _ in range(5):
        for window in (alice, bob):
            window.view.setFocus()
            qtbot.keyClick(window.view, Qt.Key.Key_Tab)
            qtbot.keyClick(window.view, Qt.Key.Key_Return)
    qtbot.keyClick(bob.view, Qt.Key.Key_Delete)
    counts = dict(
        committed(
            prepared_db,
            "SELECT a.name, count(*) FROM annotations n JOIN annotators a ON a.id = n.annotator_id"
            " GROUP BY a.name",
        )
    )
    assert counts == {"alice": 5, "bob": 5}
    assert committed(prepared_db, "SELECT count(*) FROM rejections") == [(1,)]
    # Each sees only their own work over the shared suggestions.
    assert len(alice.session.editor.items) == len(bob.session.editor.items) + 1
    alice.close()
    bob.close()


def test_preannotation_runs_in_the_background_and_can_be_cancelled(
    qtbot,
    tmp_path: Path,
    pipeline,  # type: ignore[no-untyped-def]
) -> None:
    db = tmp_path / "fresh.db"
    with Store.open(db) as store:
        import_paths(store, [ROOT / "corpus"])
    window = make_window(qtbot, db, "alice", tmp_path)
    assert window.session.editor.items == {}  # nothing suggested yet, but readable
    with qtbot.waitSignal(window.taskDone, timeout=120_000) as finished:
        assert window.start_preannotation()
        assert window.task_indicator.isVisible()
        qtbot.keyClick(window.view, Qt.Key.Key_PageDown)  # the window still answers
    report = finished.args[1]
    assert report.articles == 2 and not report.cancelled
    assert len(window.session.editor.items) > 30  # the open article got its suggestions
    assert re.search(r"fr_core_news_md 3\.8\.0", window.set_label.text())

    with Store.open(db) as store:
        store.articles.add(
            [
                NewArticle(article_id(f"Texte {i} à Lyon."), None, f"Texte {i} à Lyon.", "t", {}, 4)
                for i in range(400)
            ]
        )
    with qtbot.waitSignal(window.taskDone, timeout=120_000) as finished:
        window.start_preannotation()
        window.tasks.cancel()
    assert finished.args[1].cancelled
    assert window.session.editor.tokenize.__name__ == "tokenize"  # spaCy's, not the regex
    window.close()


def test_layout_and_last_article_reopen_where_they_were(
    qtbot, prepared_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    first = make_window(qtbot, prepared_db, "alice", tmp_path)
    qtbot.keyClick(first.view, Qt.Key.Key_PageDown)
    second_article = first.session.article_id
    first.spans_dock.hide()
    first.close()
    again = make_window(qtbot, prepared_db, "alice", tmp_path)  # same settings file
    assert again.session.article_id == second_article
    assert not again.spans_dock.isVisible()  # the dock layout came back as it was
    again.close()
