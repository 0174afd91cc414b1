"""FIGURE attributes in the team windows: agreement shows value agreement, review the values.

Alice's "Plus de 13 000 civils" is 13000 (more than), Bob's 1300 (exact)
(issue #12, defect 5).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.store import Store
from annotator.core.team_agreement import team_agreement
from annotator.gui.agreement_window import AgreementWindow
from annotator.gui.review_window import ReviewWindow
from tests.core.test_attribute_agreement import BOB_READS, PHRASE
from tests.core.test_attribute_agreement import team as team  # a pytest fixture


def test_agreement_window_shows_figure_value_agreement(qtbot, team: Path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(team) as store:
        report = team_agreement(store, ["alice", "bob"])
        first = store.articles.ids()[0]
    view = AgreementWindow(report)
    qtbot.addWidget(view)
    values = report.figure_value("alice", "bob").micro
    assert values.agreed == values.compared - 1
    view.measure.setCurrentIndex(view.measure.findText("FIGURE value agreement"))
    cell = view.matrix.item(0, 1).text()
    assert cell == f"{values.agreement:.2f} ({values.agreed}/{values.compared})"
    summary = view.findChild(type(view.pair_label), "agreementSummary").text()
    assert f"FIGURE values agree {values.agreed}/{values.compared}" in summary
    # Span F1 is 1 everywhere, but the pair does disagree in the first article.
    view._cell_clicked(0, 1)
    assert view.articles.count() == 1
    assert view.articles.item(0).data(Qt.ItemDataRole.UserRole) == first


def test_review_shows_both_values_and_the_lead_picks_one(qtbot, team: Path) -> None:  # type: ignore[no-untyped-def]
    store = Store.open(team)
    window = ReviewWindow(store, "lead", ["alice", "bob"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    first = store.articles.ids()[0]
    window.open(first)
    table = window.spans
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]

    def cell(row: int, name: str) -> str:
        return table.item(row, headers.index(name)).text()

    def row_of(supporter: str) -> int:
        wanted = (supporter, PHRASE)
        rows = range(table.rowCount())
        return next(r for r in rows if (cell(r, "Annotators"), cell(r, "Text")) == wanted)

    alice, bob = row_of("alice"), row_of("bob")
    assert (cell(alice, "Value"), cell(alice, "Qualifier")) == ("13000", "more_than")
    assert (cell(bob, "Value"), cell(bob, "Qualifier"), cell(bob, "Unit")) == (
        "1300",
        "exact",
        "civils",
    )
    # Opening took nothing of this span into gold; both versions wait for the lead.
    gold = store.gold.for_article(first)
    assert (0, len(PHRASE)) not in {(g.span.start, g.span.end) for g in gold}

    for _ in range(table.rowCount()):
        if window.editor.supporters_of(window.editor.focused()) == ("bob",):
            break
        qtbot.keyClick(window.view, Qt.Key.Key_Tab)
    assert table.currentRow() == bob
    assert "value 1300" in window.focus_line.text()
    assert "attributes differ" in window.focus_line.text()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # the lead picks bob's reading
    gold = store.gold.for_article(first)
    (taken,) = [g for g in gold if (g.span.start, g.span.end) == (0, len(PHRASE))]
    assert {k: taken.span.attrs.get(k) for k in BOB_READS} == BOB_READS
    assert taken.supporters == ("bob",)
    window.close()
    store.close()
