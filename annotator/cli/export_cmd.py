"""`annotator export`: articles with their spans, to files other tools read."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import (
    EXIT_INTERRUPTED,
    ProgressBar,
    db_option,
    interruptible,
    open_store,
    user_errors,
)
from annotator.core.exporters.formats import EXPORTERS, FOLDER_FORMATS


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(EXPORTERS)),
    default="jsonl",
    show_default=True,
    help="File format.",
)
@click.option(
    "--source",
    default="gold",
    show_default=True,
    help="Whose spans: 'gold', 'suggestions' (newest set, unreviewed) or an annotator's name.",
)
@click.option(
    "--status",
    type=click.Choice(["done", "all"]),
    default="done",
    show_default=True,
    help="Only articles marked done (gold: adjudicated), or all.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write, or folder for spacy and brat (written whole or not at all).",
)
@click.option(
    "--split",
    default="0.8,0.1,0.1",
    show_default=True,
    help="spacy: train,dev,test fractions, split by article.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="spacy: the same seed gives the same split.",
)
@db_option
@user_errors
def export_command(
    fmt: str, source: str, status: str, out: Path, split: str, seed: int, db_path: Path | None
) -> None:
    """Export articles with their spans: spaCy DocBin, JSONL, Prodigy JSONL, CoNLL, brat, CSV.

    FIGURE attributes go with each span; spans that do not align with spaCy's
    tokens, or overlap, are reported by article and characters, never dropped
    silently.
    """
    options: dict = {}
    if fmt == "spacy":
        try:
            options = {"split": tuple(float(x) for x in split.split(",")), "seed": seed}
        except ValueError:
            raise click.BadParameter(
                f"{split!r} is not three fractions", param_hint="--split"
            ) from None
    if fmt not in FOLDER_FORMATS and out.is_dir():
        raise click.BadParameter(f"{out} is a folder; {fmt} writes a file", param_hint="--out")
    bar = ProgressBar("Exporting")
    with open_store(db_path, reading=True) as store, interruptible() as cancelled:
        try:
            report = EXPORTERS[fmt](
                store,
                out,
                source=source,
                status=status,
                cancelled=cancelled,
                progress=lambda p: bar.update(p.done, p.total),
                **options,
            )
        finally:
            bar.close()
    if report.cancelled:
        click.echo("Interrupted: nothing was written.", err=True)
        raise SystemExit(EXIT_INTERRUPTED)
    files = ", ".join(str(f) for f in report.files) or str(out)
    click.echo(f"Wrote {report.articles} article(s) to {files}.")
    if report.labels:
        click.echo("Spans: " + ", ".join(f"{k} {v}" for k, v in sorted(report.labels.items())))
    splits = getattr(report, "splits", None)
    if splits:
        click.echo("Split: " + ", ".join(f"{k} {v} article(s)" for k, v in splits.items()))
    for kind in ("misaligned", "overlapping"):
        issues = getattr(report, kind, [])
        if issues:
            click.echo(f"{len(issues)} span(s) {kind}:", err=True)
            for i in issues:
                click.echo(
                    f"  article {i.article} {i.start}-{i.end} {i.label} {i.text!r}: {i.resolution}",
                    err=True,
                )
