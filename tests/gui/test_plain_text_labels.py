"""Names from data are shown as text, never as markup (issue #13, case 14): an annotator
or model name holding HTML was rendered in status-bar labels (and could load images)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import Store
from annotator.gui.review_window import ReviewWindow
from tests.conftest import CORPUS
from tests.gui.conftest import make_window

ANNOTATOR = "<b>bob</b><img src='/etc/hosts'>"
MODEL = "<i>modèle</i>"


def shown_as_markup(widget) -> list[str]:  # type: ignore[no-untyped-def]
    """Labels whose text holds the names raw and would render them as rich text."""
    return [
        label.text()
        for label in widget.findChildren(QLabel)
        if (ANNOTATOR in label.text() or MODEL in label.text() or "<b>bob</b>" in label.text())
        and label.textFormat() != Qt.TextFormat.PlainText
    ]


def test_names_holding_html_are_shown_as_text(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    with Store.open(db) as store:
        import_paths(store, [CORPUS])
        article = store.articles.ids()[0]
        text = store.articles.get(article).text
        model = store.suggestions.set_for(MODEL, "1", "1")
        store.suggestions.add(model.id, {article: [Span(0, 4, "MISC")]})
        for name, label in ((ANNOTATOR, "MISC"), ("alice", "LOC")):
            store.annotations.add(name, article, Span(0, len(text.split()[0]), label))
            store.statuses.set(name, article, Status.DONE)

    window = make_window(qtbot, db, ANNOTATOR, tmp_path)
    window.session.open(article)
    assert any(MODEL in label.text() for label in window.findChildren(QLabel))
    assert shown_as_markup(window) == []

    review = ReviewWindow(window.session.store, "lead", ["alice", ANNOTATOR])
    qtbot.addWidget(review)
    review.show()
    review.open(article)
    assert any(ANNOTATOR in label.text() for label in review.findChildren(QLabel))
    assert shown_as_markup(review) == []
    review.close()
    window.close()
    window.session.store.close()
