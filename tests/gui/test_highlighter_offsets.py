"""Highlighting after characters Qt counts twice (emoji, other astral characters).

The highlighter works in Qt's UTF-16 offsets; every span must be formatted
over exactly its own characters, however many emoji come before it.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.records import Span
from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id
from annotator.gui.main_window import MainWindow
from annotator.gui.offsets import Utf16Map
from tests.gui.conftest import make_window

# A real kind of article: a live blog quoting posts, emoji included, a span
# ending each line right after them.
TEXT = (
    "Alep : « Nous sommes vivants 🙏🇸🇾 » écrit Bana Alabed\n"
    "Le message 😢 a été partagé par 13 000 personnes\n"
    "Sur 𝕏, le ministre Sergueï Lavrov\n"
)
SPANS = (
    ("Bana Alabed", "PER"),
    ("13 000 personnes", "FIGURE"),
    ("Sergueï Lavrov", "PER"),
    ("Alep", "LOC"),
)


def _window_on(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    db = tmp_path / "emoji.db"
    aid = article_id(TEXT)
    with Store.open(db) as store:
        store.articles.add([NewArticle(aid, None, TEXT, "live", {}, len(TEXT.split()))])
        model = store.suggestions.set_for("m", "1", "1")
        spans = [Span(TEXT.index(t), TEXT.index(t) + len(t), label) for t, label in SPANS]
        store.suggestions.add(model.id, {aid: spans})
    return make_window(qtbot, db, "alice", tmp_path)


def formatted_characters(window: MainWindow) -> set[int]:
    """Python offsets of the characters the highlighter gave a format to."""
    document = window.view.document()
    offsets = Utf16Map(TEXT)
    covered: set[int] = set()
    block = document.begin()
    while block.isValid():
        for fmt in block.layout().formats():
            for qt in range(fmt.start, fmt.start + fmt.length):
                covered.add(offsets.from_qt(block.position() + qt))
        block = block.next()
    return covered


def test_spans_after_emoji_are_highlighted_to_their_last_character(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window_on(qtbot, tmp_path)
    try:
        expected = {
            i for t, _ in SPANS for i in range(TEXT.index(t), TEXT.index(t) + len(t))
        }
        assert formatted_characters(window) == expected
        # the characters that used to lose their colour: the last of each line's span
        for t in ("Alabed", "personnes", "Lavrov"):
            assert TEXT.index(t) + len(t) - 1 in formatted_characters(window)
    finally:
        window.close()
        window.session.store.close()
