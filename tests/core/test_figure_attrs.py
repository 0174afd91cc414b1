"""FIGURE attributes follow their span, and typed ones are checked and kept.

The real sample article, its real suggestions (the French pipeline and our
recognisers), spaCy's French tokens, a real store.
"""

from __future__ import annotations

import json
import re

import pytest
import spacy

from annotator.core import figure_attrs
from annotator.core.editing import ArticleEditor
from annotator.core.errors import InvalidSpan
from annotator.core.importing import import_paths
from annotator.core.paths import resources_dir
from annotator.core.preannotation.run import preannotate
from annotator.core.records import Origin
from annotator.core.store import Store
from annotator.core.tokens import spacy_tokenizer
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def french_tokens():  # type: ignore[no-untyped-def]
    return spacy_tokenizer(spacy.blank("fr"))


@pytest.fixture
def editor(store: Store, pipeline, french_tokens) -> ArticleEditor:  # type: ignore[no-untyped-def]
    import_paths(store, [CORPUS])
    preannotate(store, pipeline=pipeline)
    editor = ArticleEditor(store, "alice", french_tokens)
    editor.open(_article_with(store, "Plus de 13 000 civils ont pu quitter"))
    return editor


def _article_with(store: Store, words: str) -> str:
    return store.db.execute(
        "SELECT id FROM articles WHERE text LIKE ? LIMIT 1", [f"%{words}%"]
    ).fetchone()[0]


def focus_on(editor: ArticleEditor, text: str) -> None:
    key = next(
        i.key
        for i in editor.ordered()
        if editor.text[i.span.start : i.span.end] == text and i.span.label == "FIGURE"
    )
    editor.set_focus(key)


def focused(editor: ArticleEditor) -> tuple[str, dict]:
    item = editor.focused()
    assert item is not None
    return editor.text[item.span.start : item.span.end], item.span.attrs


def stored(editor: ArticleEditor) -> tuple[str, dict, str]:
    """The focused annotation's text, attributes and origin, as committed."""
    item = editor.focused()
    assert item is not None and not item.is_suggestion
    start, end, attrs, origin = editor.store.db.execute(
        'SELECT start, "end", attrs, origin FROM annotations WHERE id = ?', [item.id]
    ).fetchone()
    return editor.text[start:end], json.loads(attrs or "{}"), origin


def test_resizing_reads_the_attributes_again_from_the_new_text(editor: ArticleEditor) -> None:
    focus_on(editor, "de 50 à 100 obus")
    range_attrs = {"value": 50, "value_max": 100, "qualifier": "range", "unit": "obus"}
    assert focused(editor)[1] == range_attrs
    editor.resize("start", 2, "token")  # the suggestion is taken as edited
    assert stored(editor) == (
        "à 100 obus",
        {"value": 100, "qualifier": "exact", "unit": "obus"},
        Origin.EDITED,
    )
    editor.resize("end", -1, "token")
    assert stored(editor) == ("à 100", {"value": 100, "qualifier": "exact"}, Origin.EDITED)

    focus_on(editor, "Plus de 13 000 civils")
    editor.resize("end", -1, "char")  # "civil": no longer a plural noun after 13 000
    assert stored(editor)[:2] == (
        "Plus de 13 000 civil",
        {"value": 13000, "qualifier": "more_than"},
    )


def test_relabelling_and_creating_a_figure_by_hand_give_it_attributes(
    editor: ArticleEditor,
) -> None:
    text = editor.text
    start = text.index("5 831 enfants")
    editor.add(start, start + 8, "FIGURE")  # a selection ending inside a word: snapped
    assert stored(editor) == (
        "5 831 enfants",
        {"value": 5831, "qualifier": "exact", "unit": "enfants"},
        Origin.MANUAL,
    )
    start = text.index("728 rebelles")
    editor.add(start, start + len("728 rebelles"), "MISC")
    assert stored(editor)[1] == {}
    editor.relabel("FIGURE")
    assert stored(editor)[:2] == (
        "728 rebelles",
        {"value": 728, "qualifier": "exact", "unit": "rebelles"},
    )
    editor.relabel("MISC")  # FIGURE attributes mean nothing under another label
    assert stored(editor)[1] == {}


def test_typed_attributes_are_checked_marked_and_kept_when_the_span_changes(
    editor: ArticleEditor,
) -> None:
    focus_on(editor, "Plus de 13 000 civils")
    key = editor.focus
    assert key is not None
    editor.set_attrs(key, {"value": "13 500", "qualifier": "approx", "unit": "civils"})
    typed = {"value": 13500, "qualifier": "approx", "unit": "civils", "hand_edited": True}
    assert stored(editor) == ("Plus de 13 000 civils", typed, Origin.EDITED)
    editor.resize("start", 2, "token")  # the person's values stay
    assert stored(editor)[:2] == ("13 000 civils", typed)

    events = editor.store.db.execute("SELECT count(*) FROM events").fetchone()[0]
    key = editor.focus
    assert key is not None
    for bad, message in (
        ({"value": 13000, "qualifier": "plus_que"}, "qualifier must be one of exact, approx"),
        ({"value": 50, "value_max": 100, "qualifier": "more_than"}, "value_max is for ranges"),
        ({"value": "beaucoup", "qualifier": "exact"}, "value must be a number"),
        ({"value": 100, "value_max": 50, "qualifier": "range"}, "below value"),
        ({"value": 1, "colour": "red"}, "Unknown FIGURE attribute colour"),
    ):
        with pytest.raises(InvalidSpan, match=message):
            editor.set_attrs(key, bad)
    assert stored(editor)[:2] == ("13 000 civils", typed)  # nothing stored
    assert editor.store.db.execute("SELECT count(*) FROM events").fetchone()[0] == events

    editor.set_attrs(
        key, {"value": "1,5 milliard", "value_max": "2 milliards", "qualifier": "range"}
    )
    assert stored(editor)[1] == {
        "value": 1_500_000_000,
        "value_max": 2_000_000_000,
        "qualifier": "range",
        "hand_edited": True,
    }


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,5 milliard", 1_500_000_000),
        ("13 346", 13346),
        ("13\u00a0346", 13346),
        ("71.000", 71000),
        ("7,1", 7.1),
        ("-12", -12),
        ("vingt-trois", 23),
        ("une dizaine", 10),
        ("la moitié", 0.5),
        ("0.5", 0.5),  # as the span panel shows a value
        ("1500000000", 1_500_000_000),
        ("beaucoup", None),
        ("13 000 civils", None),  # a value, not a figure
        ("nan", None),
        ("", None),
    ],
)
def test_typed_values_are_read_like_the_recogniser_reads_them(typed: str, value: object) -> None:
    assert figure_attrs.parse_value(typed) == value


def test_the_qualifiers_are_the_guidelines_closed_list() -> None:
    guidelines = (resources_dir() / "guidelines.md").read_text(encoding="utf-8")
    row = next(line for line in guidelines.splitlines() if line.startswith("| `qualifier`"))
    assert tuple(re.findall(r"`(\w+)`", row.split("|")[2])) == figure_attrs.QUALIFIERS
    from annotator.core.recognizers.figures import QUALIFIERS as RECOGNISED

    assert set(RECOGNISED) <= set(figure_attrs.QUALIFIERS)


def test_reading_needs_no_figure_to_be_found() -> None:
    assert figure_attrs.read("trois") == {"value": 3, "qualifier": "exact"}
    assert figure_attrs.read("Alep") == {}
    assert figure_attrs.follow("LOC", "13 000 civils", {"value": 1}) == {}
