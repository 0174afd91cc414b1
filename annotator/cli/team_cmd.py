"""`annotator merge` and `annotator adjudicate`: teams, disagreements, gold."""

from __future__ import annotations

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
from annotator.core.adjudication import RULES, auto
from annotator.core.importers import DEFAULT_MAX_CHARS
from annotator.core.store.merge import MergeReport, merge
from annotator.core.store.merge_source import RefusedDatabase


@click.command("merge")
# Not click's exists/dir_okay: a missing file, a folder or a FIFO is named and refused by
# merge (never opened), and the other files are merged still.
@click.argument("others", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--max-chars",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_CHARS,
    show_default=True,
    help="Refuse articles longer than this many characters, as import does.",
)
@db_option
@user_errors
def merge_command(others: tuple[Path, ...], max_chars: int, db_path: Path | None) -> None:
    """Bring other databases' articles, annotators, annotations, statuses and events in.

    Articles match by content id, so nothing is duplicated; merging the same
    file twice changes nothing. When one annotator has different versions of
    an article here and there, this one is kept and the other is stored as
    NAME@OTHER, and reported. The other files are only read, and checked as an
    import checks its files: what fails is refused and named (exit status 1),
    as is a path that is no database file (a folder, a FIFO: never opened).
    Each article comes in whole with its work; Ctrl+C stops cleanly and the
    same command finishes the job.
    """
    refused = False
    with open_store(db_path) as store, interruptible() as cancelled:
        for other in others:
            bar = ProgressBar(f"Merging {other.name}")
            try:
                report = merge(
                    store,
                    other,
                    max_chars=max_chars,
                    progress=lambda p, bar=bar: bar.update(p.done, p.total),
                    cancelled=cancelled,
                )
            except RefusedDatabase as error:  # named; the other files are merged still
                terminal.echo(f"  refused: {error}", err=True)
                refused = True
                continue
            finally:
                bar.close()
            _print_report(other, report)
            refused = refused or bool(report.refused)
            if report.cancelled:
                terminal.echo("Stopped; what was merged is whole. Run it again to finish.", True)
                raise SystemExit(EXIT_INTERRUPTED)
    if refused:
        raise SystemExit(EXIT_REJECTED)  # as an import with rejected input: the rest went in


def _print_report(other: Path, report: MergeReport) -> None:
    if report.same_database:
        terminal.echo(f"{other}: this is the same database; nothing to merge.")
        return
    terminal.echo(
        f"{other}: {report.articles} article(s), {report.versions} annotator version(s)"
        f" with {report.annotations} annotation(s), {report.suggestions} suggestion(s),"
        f" {report.gold} gold span(s), {report.events} event(s) merged;"
        f" {report.annotators} new annotator name(s)."
    )
    for c in report.conflicts:
        terminal.echo(
            f"  conflict: {c.annotator} edited article {c.article_id} on both;"
            f" theirs is kept as {c.kept_as}"
        )
    for reason in report.refused:
        terminal.echo(f"  refused: {reason} (in {other})", err=True)


@click.command("adjudicate")
@click.option(
    "--auto",
    "automatic",
    is_flag=True,
    required=True,
    help="Take into gold what the rule allows; leave the rest for review.",
)
@click.option("--rule", type=click.Choice(RULES), default="unanimous", show_default=True)
@click.option(
    "--annotators",
    metavar="A,B,...",
    help="Whose work to compare (default: everyone with articles done).",
)
@click.option(
    "--adjudicator", default="auto", show_default=True, help="Name recorded as having adjudicated."
)
@db_option
@user_errors
def adjudicate_command(
    automatic: bool, rule: str, annotators: str | None, adjudicator: str, db_path: Path | None
) -> None:
    """Adjudicate gold over the articles every compared annotator marked done."""
    names = [n.strip() for n in annotators.split(",")] if annotators else None
    with open_store(db_path) as store:
        report = auto(store, rule=rule, annotators=names, adjudicator=adjudicator)
    terminal.echo(
        f"Compared {', '.join(report.annotators)} on {report.articles} article(s) ({rule}):"
        f" {report.taken} span(s) taken into gold, {report.left} left for review;"
        f" {report.adjudicated} article(s) adjudicated, {report.in_review} in review"
        + (f", {len(report.skipped)} already adjudicated." if report.skipped else ".")
    )
