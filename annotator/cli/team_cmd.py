"""`annotator merge` and `annotator adjudicate`: teams, disagreements, gold."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, user_errors
from annotator.core.adjudication import RULES, auto
from annotator.core.store.merge import merge


@click.command("merge")
@click.argument(
    "others", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@db_option
@user_errors
def merge_command(others: tuple[Path, ...], db_path: Path | None) -> None:
    """Bring other databases' articles, annotators, annotations, statuses and events in.

    Articles match by content id, so nothing is duplicated; merging the same
    file twice changes nothing. When one annotator has different versions of
    an article here and there, this one is kept and the other is stored as
    NAME@OTHER, and reported. The other files are only read.
    """
    refused = False
    with open_store(db_path) as store:
        for other in others:
            report = merge(store, other)
            if report.same_database:
                click.echo(f"{other}: this is the same database; nothing to merge.")
                continue
            click.echo(
                f"{other}: {report.articles} article(s), {report.versions} annotator version(s)"
                f" with {report.annotations} annotation(s), {report.suggestions} suggestion(s),"
                f" {report.gold} gold span(s), {report.events} event(s) merged;"
                f" {report.annotators} new annotator name(s)."
            )
            for c in report.conflicts:
                click.echo(
                    f"  conflict: {c.annotator} edited article {c.article_id} on both;"
                    f" theirs is kept as {c.kept_as}"
                )
            for reason in report.refused:
                click.echo(f"  refused: {reason}", err=True)
            if report.refused:
                refused = True
    if refused:
        raise SystemExit(1)  # as an import with rejected input: the rest went in


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
    click.echo(
        f"Compared {', '.join(report.annotators)} on {report.articles} article(s) ({rule}):"
        f" {report.taken} span(s) taken into gold, {report.left} left for review;"
        f" {report.adjudicated} article(s) adjudicated, {report.in_review} in review"
        + (f", {len(report.skipped)} already adjudicated." if report.skipped else ".")
    )
