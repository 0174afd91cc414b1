"""`annotator import`: articles from files and folders into the store."""

from __future__ import annotations

import time
from pathlib import Path

import click

from annotator.cli import terminal
from annotator.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_REJECTED,
    ProgressBar,
    db_option,
    interruptible,
    open_store,
    user_errors,
)
from annotator.core.importers import DEFAULT_MAX_CHARS, FORMATS
from annotator.core.importing import ImportReport, import_paths

_SHOWN = 10  # lines of duplicates listed before "… and N more"


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", *FORMATS]),
    default="auto",
    show_default=True,
    help="Input format; auto goes by the file ending.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_CHARS,
    show_default=True,
    help="Refuse articles longer than this.",
)
@click.option(
    "--annotator",
    metavar="NAME",
    help="Annotated formats: store the spans as NAME's annotations, marked done.",
)
@click.option(
    "--as-suggestions",
    is_flag=True,
    help="Annotated formats: store the spans as a suggestion set instead.",
)
@click.option("-v", "--verbose", is_flag=True, help="List every duplicate and skipped file.")
@db_option
@user_errors
def import_command(
    paths: tuple[Path, ...],
    fmt: str,
    max_chars: int,
    annotator: str | None,
    as_suggestions: bool,
    verbose: bool,
    db_path: Path | None,
) -> None:
    """Import articles: folders or files of .txt, .jsonl or .csv.

    Exact duplicates are never stored twice; near-duplicates are stored and
    grouped in clusters. Bad input is named and skipped; the exit status is 1
    when any input was rejected. Ctrl+C stops cleanly: run the same command
    again to finish.
    """
    if annotator and as_suggestions:
        raise click.UsageError("--annotator and --as-suggestions exclude each other")
    started = time.perf_counter()
    bar = ProgressBar("Importing")
    with open_store(db_path) as store, interruptible() as cancelled:
        try:
            report = import_paths(
                store,
                paths,
                format=fmt,
                max_chars=max_chars,
                annotator=annotator,
                as_suggestions=as_suggestions,
                cancelled=cancelled,
                progress=lambda p: bar.update(p.done, p.total),
            )
            bar.close()
            _print_report(report, store.path, time.perf_counter() - started, verbose)
        except KeyboardInterrupt:
            bar.close()
            click.echo(
                f"\nStopped at once; {store.articles.count()} article(s) are stored, the "
                "batch in hand was rolled back. Run the same command again to finish.",
                err=True,
            )
            raise SystemExit(EXIT_INTERRUPTED) from None
    if report.cancelled:
        raise SystemExit(EXIT_INTERRUPTED)
    if not report.ok:
        raise SystemExit(EXIT_REJECTED)


def _print_report(report: ImportReport, db: Path, seconds: float, verbose: bool) -> None:
    echo = terminal.echo  # file names and labels are data
    echo(
        f"Imported {len(report.added)} new article(s) from {report.files} file(s) "
        f"into {db} in {seconds:.1f} s."
    )
    if report.spans:
        echo(f"Stored {report.spans} span(s).")
    if report.spans_ignored:
        echo(
            f"{report.spans_ignored} span(s) in the input were not stored: give --annotator NAME"
            " or --as-suggestions."
        )
    if report.already_annotated:
        echo(
            f"{len(report.already_annotated)} article(s) already had annotations by this"
            " annotator: left as they were."
        )
    if report.already_suggested:
        echo(
            f"{len(report.already_suggested)} article(s) of this input had its suggestions"
            " already: left as they were."
        )
    if report.duplicates:
        echo(f"{len(report.duplicates)} exact duplicate(s) not stored again:")
        shown = report.duplicates if verbose else report.duplicates[:_SHOWN]
        for d in shown:
            echo(f"  {d.source} = article {d.article_id}")
        if len(shown) < len(report.duplicates):
            echo(f"  … and {len(report.duplicates) - len(shown)} more (-v lists them)")
    if report.near_duplicates:
        echo(f"{len(report.near_duplicates)} near-duplicate(s) stored in clusters:")
        for n in report.near_duplicates if verbose else report.near_duplicates[:_SHOWN]:
            echo(
                f"  {n.source} = article {n.article_id}, cluster {n.cluster} "
                f"(similarity {n.similarity:.2f})"
            )
        if not verbose and len(report.near_duplicates) > _SHOWN:
            echo(f"  … and {len(report.near_duplicates) - _SHOWN} more (-v lists them)")
    if report.skipped:
        echo(
            f"{len(report.skipped)} file(s) of other types skipped in folders"
            + (":" if verbose else " (-v lists them).")
        )
        if verbose:
            for path in report.skipped:
                echo(f"  {path}")
    if report.problems:
        echo(f"{len(report.problems)} input(s) rejected:", err=True)
        for problem in report.problems:
            echo(f"  {problem}", err=True)
    if report.cancelled:
        echo(
            "Interrupted: what is listed above is stored; run the same command again to finish.",
            err=True,
        )
