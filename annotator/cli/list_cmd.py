"""`annotator list`: the articles, filtered by status or full-text search."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, user_errors
from annotator.cli.terminal import shown
from annotator.core.records import Status


@click.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in Status]),
    help="Only articles with this status (for --annotator, else for anyone).",
)
@click.option(
    "--search",
    metavar="TEXT",
    help="Full-text search: articles with every word (accents optional); word* is a prefix. "
    "Any text is a search: quotes, AND, OR, NOT, parentheses are searched as text.",
)
@click.option("--annotator", metavar="NAME", help="Status and counts of this annotator.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")
@db_option
@user_errors
def list_command(
    status: str | None,
    search: str | None,
    annotator: str | None,
    limit: int | None,
    as_json: bool,
    db_path: Path | None,
) -> None:
    """List articles in import order: id, status, words, suggestions, annotations, title.

    A "≈" before the title marks an article in a near-duplicate cluster; the
    annotator's flag comment follows on the next line (without --annotator,
    everyone's, by name). --json gives it as "comment". Control characters in a
    title or comment (terminal escape codes) are shown as escapes, like \x1b.
    """
    with open_store(db_path, reading=True) as store:
        rows = store.articles.list(
            annotator=annotator,
            status=Status(status) if status else None,
            search=search,
            limit=limit,
        )
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("No articles match.", err=True)
        return
    click.echo(f"{'id':16}  {'status':11}  {'words':>6}  {'sugg':>5}  {'ann':>5}  title")
    for r in rows:
        mark = "≈ " if r.cluster else ""
        click.echo(
            f"{shown(r.id):16}  {r.status.value:11}  {r.words:6}  {r.suggestions:5}  "
            f"{r.annotations:5}  {mark}{shown(r.title)}"
        )
        for line in (r.comment or "").splitlines():
            click.echo(f"{'':18}↳ {shown(line)}")
