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
from annotator.core.exporters import EXPORTERS


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
    default="suggestions",
    show_default=True,
    help="Whose spans: 'suggestions' (newest set, unreviewed) or an annotator's name.",
)
@click.option(
    "--status",
    type=click.Choice(["all", "done"]),
    default="all",
    show_default=True,
    help="For an annotator: all articles, or only those marked done.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (replaced whole, never half-written).",
)
@db_option
@user_errors
def export_command(fmt: str, source: str, status: str, out: Path, db_path: Path | None) -> None:
    """Export articles with their spans; FIGURE attributes go in each span's attrs."""
    bar = ProgressBar("Exporting")
    with open_store(db_path) as store, interruptible() as cancelled:
        try:
            report = EXPORTERS[fmt](
                store,
                out,
                source=source,
                status=status,
                cancelled=cancelled,
                progress=lambda p: bar.update(p.done, p.total),
            )
        finally:
            bar.close()
    if report.cancelled:
        click.echo("Interrupted: nothing was written.", err=True)
        raise SystemExit(EXIT_INTERRUPTED)
    click.echo(f"Wrote {report.articles} article(s) to {out}.")
    if report.labels:
        click.echo("Spans: " + ", ".join(f"{k} {v}" for k, v in sorted(report.labels.items())))
