"""`annotator agreement` and `adjudicate` on FIGURE spans whose attributes differ (issue #12, 5)."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.store import Store
from tests.cli.test_cli import run
from tests.core.test_attribute_agreement import PHRASE
from tests.core.test_attribute_agreement import team as team  # a pytest fixture


def test_agreement_command_reports_figure_values_and_their_disagreement(team: Path) -> None:
    table = run("agreement", "--annotators", "alice,bob", "--db", team)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith("FIGURE value agreement"))
    alice_row = next(line for line in lines[start:] if line.startswith("alice"))
    as_json = run("agreement", "--annotators", "alice,bob", "--json", "--db", team)
    values = json.loads(as_json.stdout)["figure_values"]["micro"]["alice"]["bob"]
    assert values["agreed"] == values["compared"] - 1
    assert f"{values['agreed']}/{values['compared']}" in alice_row
    assert "1 disagreement(s):" in table.stdout
    assert f"0-{len(PHRASE)} (attributes)" in table.stdout
    assert "value 1300" in table.stdout and "value 13000" in table.stdout


def test_adjudicate_unanimous_keeps_alice_value_out_of_gold(team: Path) -> None:
    done = run("adjudicate", "--auto", "--annotators", "alice,bob", "--db", team)
    assert done.returncode == 0, done.stderr
    assert "2 left for review" in done.stdout and "1 in review" in done.stdout
    with Store.open(team) as store:
        first = store.articles.ids()[0]
        spans = [(g.span.start, g.span.end) for g in store.gold.for_article(first)]
    assert (0, len(PHRASE)) not in spans
