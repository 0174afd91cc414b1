"""`annotator agreement`: how far annotators agree, and where they do not."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, user_errors
from annotator.core.records import Span

_SHOWN = 15  # disagreements listed in the readable output


def _number(value: float | None) -> str:
    return "  —  " if value is None else f"{value:5.2f}"


def _span(span: Span) -> str:
    """ "FIGURE 0-21 (value 13000, qualifier more_than, unit civils)"."""
    attrs = ", ".join(f"{k} {v}" for k, v in span.attrs.items())
    return f"{span.label} {span.start}-{span.end}" + (f" ({attrs})" if attrs else "")


@click.command("agreement")
@click.option(
    "--annotators",
    metavar="A,B,...",
    help="Whom to compare (default: everyone with articles done).",
)
@click.option("--label", help="Compare only this label's spans.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Every number, per label and per article, and the disagreements.",
)
@db_option
@user_errors
def agreement_command(
    annotators: str | None, label: str | None, as_json: bool, db_path: Path | None
) -> None:
    """Span F1 (strict and lenient), FIGURE value agreement, Cohen's and Fleiss' kappa,
    Krippendorff's alpha over tokens and unitizing alpha over characters, on the articles
    all compared annotators marked done. docs/agreement.md defines each measure.
    """
    from annotator.core.team_agreement import team_agreement  # numpy, scipy, spaCy: on demand

    names = [n.strip() for n in annotators.split(",")] if annotators else None
    with open_store(db_path, reading=True) as store:
        report = team_agreement(store, names, label)
    if as_json:
        # Compact: with indentation the encoder falls back to pure Python (5x slower).
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, separators=(",", ":")))
        return
    echo = click.echo
    names = list(report.annotators)
    echo(
        f"Agreement of {', '.join(names)} over {len(report.articles)} article(s), "
        f"{report.tokens.tokens:,} tokens" + (f", label {label}" if label else "") + "."
    )
    width = max(11, *(len(n) + 2 for n in names))

    def table(title: str, cell) -> None:  # type: ignore[no-untyped-def]
        echo(f"\n{title}")
        echo(" " * width + "".join(f"{n:>{width}}" for n in names))
        for a in names:
            echo(
                f"{a:<{width}}"
                + "".join(f"{'—' if a == b else cell(a, b):>{width}}" for b in names)
            )

    def pair_f1(a: str, b: str) -> str:
        strict = report.span_scores(a, b, "strict").micro.f1
        lenient = report.span_scores(a, b, "lenient").micro.f1
        return f"{_number(strict).strip()}/{_number(lenient).strip()}"

    table("Span F1, strict/lenient (row: reference, column: compared):", pair_f1)

    def pair_values(a: str, b: str) -> str:
        counts = report.figure_value(a, b).micro
        return f"{counts.agreed}/{counts.compared}" if counts.compared else "—"

    table(
        "FIGURE value agreement, agreed/compared (of the FIGURE spans both marked,"
        " those with the same value, qualifier and unit):",
        pair_values,
    )
    table("Cohen's kappa over tokens:", lambda a, b: _number(report.tokens.kappa(a, b)).strip())
    echo(
        f"\nFleiss' kappa {_number(report.tokens.fleiss_kappa)} · Krippendorff's alpha"
        f" (tokens) {_number(report.tokens.krippendorff_alpha)} · unitizing alpha"
        f" (characters) {_number(report.unitizing.alpha)}"
    )
    echo("\nPer label:  Fleiss' kappa  alpha  u-alpha  strict F1 (mean of pairs)")
    for name in report.labels:
        tokens = report.tokens_by_label.get(name)
        unitizing = report.unitizing_by_label.get(name)
        f1s = [
            s.by_label[name].f1
            for s in report.spans["strict"].values()
            if name in s.by_label and s.by_label[name].f1 is not None
        ]
        mean = sum(f1s) / len(f1s) if f1s else None
        echo(
            f"  {name:<8}  {_number(tokens.fleiss_kappa if tokens else None):>13}"
            f"  {_number(tokens.krippendorff_alpha if tokens else None)}"
            f"  {_number(unitizing.alpha if unitizing else None):>7}  {_number(mean):>9}"
        )
    disagreements = report.disagreements
    echo(f"\n{len(disagreements)} disagreement(s)" + (":" if len(disagreements) else "."))
    for d in list(disagreements)[:_SHOWN]:
        said = "; ".join(
            f"{who}: " + (", ".join(_span(s) for s in spans) or "nothing")
            for who, spans in d.said.items()
        )
        echo(f"  {d.article} {d.start}-{d.end} ({d.kind}): {said}")
    if len(disagreements) > _SHOWN:
        echo(f"  … and {len(disagreements) - _SHOWN} more (--json lists them all)")
