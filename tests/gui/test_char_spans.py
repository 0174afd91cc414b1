"""A span made by characters inside a token is marked when it is made.

Token formats (spaCy DocBin, Prodigy, CoNLL) widen such a span to whole
tokens; the window says so at once: a red wavy underline in the article view,
a "tokens" cell with the widened text in the span panel, a status bar message.
Tokens are spaCy's French tokenizer, as the window has once spaCy has loaded.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor

from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id
from annotator.core.tokens import spacy_tokenizer
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import COLUMNS
from tests.gui.conftest import make_window

TEXT = (
    "Le gouvernement a présenté le réseau de transport urbain (RTU).Puis le ministre "
    "a répondu aux questions des élus de la métropole.\n"
)
ALT, SHIFT, CTRL = (
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.ControlModifier,
)
WAVE = QTextCharFormat.UnderlineStyle.WaveUnderline


def _window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    db = tmp_path / "glued.db"
    with Store.open(db) as store:
        store.articles.add([NewArticle(article_id(TEXT), None, TEXT, "t", {}, len(TEXT.split()))])
    window = make_window(qtbot, db, "alice", tmp_path)
    window.session.set_tokenizer(spacy_tokenizer(spacy.blank("fr")))  # as once spaCy loaded
    window.session.reload()
    return window


def select(window: MainWindow, text: str) -> None:
    start = TEXT.index(text)
    cursor = window.view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(text), QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)


def underline_at(window: MainWindow, position: int) -> QTextCharFormat.UnderlineStyle | None:
    block = window.view.document().findBlock(position)
    offset = position - block.position()
    for fmt in block.layout().formats():
        if fmt.start <= offset < fmt.start + fmt.length:
            return fmt.format.underlineStyle()
    return None


def tokens_cell(window: MainWindow) -> tuple[str, str | None]:
    model = window.spans.span_model
    key = window.session.editor.focus
    row = model.row_of(key)
    assert row is not None
    index = model.index(row, COLUMNS.index("tokens"))
    return model.data(index), model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_a_span_inside_a_glued_token_is_marked_when_made(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    view = window.view
    try:
        select(window, "RTU")
        qtbot.keyClick(view, Qt.Key.Key_2, ALT)  # exact characters, inside "RTU).Puis"
        message = window.statusBar().currentMessage()
        assert "«RTU» is not on token bounds" in message and "«RTU).Puis»" in message
        rtu = TEXT.index("RTU")
        assert [underline_at(window, p) for p in range(rtu, rtu + 3)] == [WAVE] * 3
        shown, tip = tokens_cell(window)
        assert shown and "«RTU).Puis»" in (tip or "")
        assert underline_at(window, TEXT.index("gouvernement")) != WAVE

        window.statusBar().clearMessage()
        select(window, "gouvernement")
        qtbot.keyClick(view, Qt.Key.Key_2)  # on token bounds: nothing to say
        assert tokens_cell(window) == ("", None)
        assert underline_at(window, TEXT.index("gouvernement")) != WAVE
        assert "token bounds" not in window.statusBar().currentMessage()

        window.statusBar().clearMessage()
        select(window, "ministre")
        qtbot.keyClick(view, Qt.Key.Key_1)
        assert tokens_cell(window) == ("", None)
        qtbot.keyClick(view, Qt.Key.Key_Left, CTRL | ALT | SHIFT)  # end one character left
        assert "«ministr» is not on token bounds" in window.statusBar().currentMessage()
        assert tokens_cell(window)[0]
        assert underline_at(window, TEXT.index("ministre")) == WAVE
        qtbot.keyClick(view, Qt.Key.Key_Right, CTRL | ALT | SHIFT)  # back on the token
        assert tokens_cell(window) == ("", None)
        assert underline_at(window, TEXT.index("ministre")) != WAVE
    finally:
        window.close()
        window.session.store.close()
