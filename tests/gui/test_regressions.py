"""Regressions found in use, each with what broke."""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.core.records import Span
from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id
from tests.gui.conftest import make_window


def test_highlighting_a_long_article_keeps_none_alive(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """PySide6 6.12.0 dropped a reference to None on each QSyntaxHighlighter.setFormat
    call; on Python 3.11 opening a 50,000-word article a few times crashed with
    "deallocating None". pyproject.toml keeps that version out; this test
    catches it coming back."""
    line = "Le ministre Igor Konachenkov a parlé à Alep de 13 000 civils évacués."
    text = "\n".join([line] * 3000)
    db = tmp_path / "long.db"
    with Store.open(db) as store:
        aid = article_id(text)
        store.articles.add([NewArticle(aid, None, text, "long", {}, len(text.split()))])
        model = store.suggestions.set_for("m", "1", "1")
        start = line.index("Alep")
        store.suggestions.add(
            model.id,
            {
                aid: [
                    Span(i * (len(line) + 1) + start, i * (len(line) + 1) + start + 4, "LOC")
                    for i in range(3000)
                ]
            },
        )
    window = make_window(qtbot, db, "alice", tmp_path)
    before = sys.getrefcount(None)
    for _ in range(3):
        window.session.open(aid)
    assert sys.getrefcount(None) >= before - 100
    window.close()
