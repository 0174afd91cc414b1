"""The agreement view shows the command's numbers, and a cell leads to review."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.team_agreement import team_agreement
from tests.core.test_merge_adjudicate import annotate, machine
from tests.gui.conftest import make_window


def test_agreement_view_from_the_menu_to_review(qtbot, tmp_path: Path, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "team.db"
    with machine(db, corpus_dir) as store:
        annotate(store, "alice")
        annotate(store, "bob", reject_first=True)
        annotate(store, "carol")
        expected = team_agreement(store)
    window = make_window(qtbot, db, "lead", tmp_path)
    with qtbot.waitSignal(window.taskDone, timeout=60_000):
        assert window.start_agreement()  # in the worker thread
    view = window._agreement
    qtbot.addWidget(view)
    matrix = view.matrix
    names = list(expected.annotators)
    for row, a in enumerate(names):
        for column, b in enumerate(names):
            if a != b:
                f1 = expected.span_scores(a, b, "strict").micro.f1
                assert matrix.item(row, column).text() == f"{f1:.2f}"
    view.measure.setCurrentIndex(2)
    assert matrix.item(0, 1).text() == f"{expected.tokens.kappa('alice', 'bob'):.2f}"
    assert (
        f"{expected.tokens.fleiss_kappa:.2f}"
        in view.findChild(type(view.pair_label), "agreementSummary").text()
    )

    view._cell_clicked(names.index("alice"), names.index("bob"))
    assert view.articles.count() == 2
    view._cell_clicked(names.index("alice"), names.index("carol"))
    assert view.articles.count() == 0  # they agree everywhere
    view._cell_clicked(names.index("bob"), names.index("carol"))
    item = view.articles.item(0)
    view._article_opened(item)  # what a double click does
    review = window._review
    qtbot.addWidget(review)
    assert review.editor.article_id == item.data(Qt.ItemDataRole.UserRole)
    assert item.text().endswith(f"[{review.editor.article_id}]")
    # Named by its title, not by its id twice (found in the team trial).
    title = window.session.store.articles.summary(review.editor.article_id).title
    assert item.text().startswith(title)
    view.grab().save(str(tmp_path / "agreement.png"))
    qtbot.keyClick(review.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    window.close()


def test_export_and_evaluation_run_in_the_worker(qtbot, tmp_path: Path, corpus_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from annotator.core.adjudication import auto
    from annotator.core.evaluation import evaluate

    db = tmp_path / "team.db"
    with machine(db, corpus_dir) as store:
        annotate(store, "alice")
        annotate(store, "bob", reject_first=True)
        annotate(store, "carol")
        auto(store, rule="majority")
        expected = evaluate(store, source="alice", against="gold")
    window = make_window(qtbot, db, "lead", tmp_path)
    with qtbot.waitSignal(window.taskDone, timeout=60_000) as done:
        window.start_evaluation(source="alice", against="gold")
    assert done.args[1].to_json() == expected.to_json()
    table = window._evaluation.scores
    assert (
        table.item(table.rowCount() - 1, 3).text()
        == f"{expected.scores['strict'].micro.f1 * 100:.1f}"
    )
    qtbot.addWidget(window._evaluation)

    out = tmp_path / "spacy"
    with qtbot.waitSignal(window.taskDone, timeout=60_000) as done:
        window.start_export(
            format="spacy", out=out, source="gold", status="all", split=(0.5, 0.5, 0.0), seed=1
        )
    assert done.args[1].articles == 2
    assert sorted(p.name for p in out.iterdir()) <= ["dev.spacy", "train.spacy"]
    window.close()
