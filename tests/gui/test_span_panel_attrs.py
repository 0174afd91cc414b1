"""FIGURE attributes in the span panel: a closed list for the qualifier, numbers
typed as written in French, and attributes typed by hand shown as such."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from annotator.core import figure_attrs
from annotator.gui.main_window import MainWindow
from annotator.gui.span_panel import COLUMNS, SpanTableModel
from tests.gui.conftest import committed


def figure_row(model: SpanTableModel, window: MainWindow, text: str) -> int:
    editor = window.session.editor
    return next(
        r
        for r in range(model.rowCount())
        if editor.text[model.item(r).span.start : model.item(r).span.end] == text
        and model.item(r).span.label == "FIGURE"
    )


def stored_attrs(window: MainWindow) -> list[dict]:
    rows = committed(window.session.store.path, "SELECT attrs FROM annotations ORDER BY id")
    return [json.loads(a) for (a,) in rows]


def test_the_qualifier_is_chosen_from_the_guidelines_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.spans
    model = panel.span_model
    row = figure_row(model, window, "Plus de 13 000 civils")
    index = model.index(row, COLUMNS.index("qualifier"))
    assert model.data(index.siblingAtColumn(COLUMNS.index("attrs"))) == "read"
    panel.setFocus()
    panel.edit(index)
    combo = panel.viewport().findChild(QComboBox)
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == list(figure_attrs.QUALIFIERS)
    assert combo.currentText() == "more_than"
    combo.setCurrentText("approx")
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # commits through the delegate (queued)
    qtbot.waitUntil(lambda: len(stored_attrs(window)) == 1)
    assert stored_attrs(window) == [
        {"value": 13000, "qualifier": "approx", "unit": "civils", "hand_edited": True}
    ]
    row = figure_row(model, window, "Plus de 13 000 civils")
    attrs_cell = model.index(row, COLUMNS.index("attrs"))
    assert model.data(attrs_cell) == "by hand"
    assert "kept" in model.data(attrs_cell, Qt.ItemDataRole.ToolTipRole)

    # free text never gets in, whatever the path
    assert not model.setData(model.index(row, COLUMNS.index("qualifier")), "plus_que")
    assert "qualifier must be one of" in window.statusBar().currentMessage()
    assert not model.setData(model.index(row, COLUMNS.index("value_max")), "14 000")
    assert "value_max is for ranges only" in window.statusBar().currentMessage()
    assert stored_attrs(window)[0]["qualifier"] == "approx"


def test_values_are_typed_as_the_recogniser_reads_them(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.spans
    model = panel.span_model
    row = figure_row(model, window, "de 50 à 100 obus")
    index = model.index(row, COLUMNS.index("value_max"))
    panel.setFocus()
    panel.edit(index)
    line = panel.viewport().findChild(QLineEdit)
    assert line is not None
    line.clear()
    qtbot.keyClicks(line, "beaucoup")
    assert not line.hasAcceptableInput()
    line.clear()
    qtbot.keyClicks(line, "1,5 milliard")
    assert line.hasAcceptableInput()
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(stored_attrs(window)) == 1)
    assert stored_attrs(window) == [
        {
            "value": 50,
            "value_max": 1_500_000_000,
            "qualifier": "range",
            "unit": "obus",
            "hand_edited": True,
        }
    ]
    row = figure_row(model, window, "de 50 à 100 obus")
    for typed, value in (("13 346", 13346), ("71.000", 71000)):
        assert model.setData(model.index(row, COLUMNS.index("value")), typed)
        assert stored_attrs(window)[0]["value"] == value
    # leaving the range drops its upper bound rather than storing a contradiction
    assert model.setData(model.index(row, COLUMNS.index("qualifier")), "approx")
    assert "value_max" not in stored_attrs(window)[0]


def test_after_typing_a_value_the_keys_work_on_and_the_row_stays(
    qtbot, qtlog, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    """Found in the team trial: the edited row was removed from under its cell editor
    (Qt: "commitData called with an editor that does not belong to this view") and
    the focus stayed in the table, so Delete and the digits did nothing."""
    panel = window.spans
    model = panel.span_model
    row = figure_row(model, window, "13 346 civils")
    panel.setFocus()
    panel.edit(model.index(row, COLUMNS.index("value")))
    line = panel.viewport().findChild(QLineEdit)
    line.clear()
    qtbot.keyClicks(line, "71.000")
    with qtbot.captureExceptions() as errors:
        qtbot.keyClick(line, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(stored_attrs(window)) == 1)
    assert not errors
    assert not [r for r in qtlog.records if "commitData" in r.message]
    assert stored_attrs(window)[0]["value"] == 71000
    assert figure_row(model, window, "13 346 civils") == row  # the same row, updated
    assert model.item(row).kind == "annotation"
    qtbot.waitUntil(window.view.hasFocus)  # the keys go back to the text
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # and act on the edited span
    assert committed(window.session.store.path, "SELECT count(*) FROM annotations") == [(0,)]
