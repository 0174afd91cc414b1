"""`annotator evaluate`: a model's or an annotator's spans scored against gold."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, user_errors


def _pct(value: float | None) -> str:
    return "    —" if value is None else f"{value * 100:5.1f}"


@click.command("evaluate")
@click.option(
    "--model",
    metavar="NAME",
    help="Run this spaCy pipeline now (with our recognisers) instead of --source.",
)
@click.option(
    "--source",
    default="suggestions",
    show_default=True,
    help="Whose spans to score: 'suggestions' (newest set) or an annotator's name.",
)
@click.option(
    "--against",
    default="gold",
    show_default=True,
    help="The reference: 'gold' (adjudicated articles) or an annotator (done articles).",
)
@click.option("--json", "as_json", is_flag=True, help="Every number as one JSON object.")
@db_option
@user_errors
def evaluate_command(
    model: str | None, source: str, against: str, as_json: bool, db_path: Path | None
) -> None:
    """Precision, recall and F1 per label, strict and lenient, FIGURE value accuracy and a
    label confusion table, over the articles that have the reference."""
    from annotator.core.evaluation import MISSED, evaluate

    with open_store(db_path, reading=True) as store:
        report = evaluate(store, source=source, model=model, against=against)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    echo = click.echo
    echo(f"{report.predicted} against {report.reference}, {report.articles} article(s):\n")
    strict, lenient = report.scores["strict"], report.scores["lenient"]
    echo(
        f"{'label':<8} {'strict P':>8} {'R':>6} {'F1':>6}   {'lenient P':>9} {'R':>6} {'F1':>6}"
        f"   {'gold':>5} {'pred':>5}"
    )
    rows = [(name, strict.by_label[name], lenient.by_label[name]) for name in strict.by_label]
    rows.append(("all", strict.micro, lenient.micro))
    for name, s, lenient_counts in rows:
        echo(
            f"{name:<8} {_pct(s.precision):>8} {_pct(s.recall):>6} {_pct(s.f1):>6}   "
            f"{_pct(lenient_counts.precision):>9} {_pct(lenient_counts.recall):>6}"
            f" {_pct(lenient_counts.f1):>6}   {s.reference:>5} {s.predicted:>5}"
        )
    if report.values_compared:
        echo(
            f"\nFIGURE value right for {report.values_right} of {report.values_compared}"
            f" figures found with the right span ({_pct(report.value_accuracy).strip()} %)."
        )
    predicted_labels = sorted({p for row in report.confusion.values() for p in row} - {MISSED})
    columns = [*predicted_labels, MISSED]
    echo("\nConfusion (rows: reference label; columns: what was predicted there):")
    echo(f"{'':<8}" + "".join(f"{c:>10}" for c in columns))
    for label, row in report.confusion.items():
        echo(f"{label:<8}" + "".join(f"{row.get(c, 0):>10}" for c in columns))
