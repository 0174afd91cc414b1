"""`annotator stats`: how big the corpus is and how far the work has got."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.cli.common import db_option, open_store, user_errors
from annotator.cli.terminal import shown


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="The figures as one JSON object.")
@db_option
@user_errors
def stats_command(as_json: bool, db_path: Path | None) -> None:
    """Counts of articles, words, suggestions, and each annotator's progress."""
    with open_store(db_path, reading=True) as store:
        stats = store.stats.summary()
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"Articles      {stats['articles']:>10,}")
    click.echo(f"Words         {stats['words']:>10,}")
    click.echo(f"Clusters      {stats['near_duplicate_clusters']:>10,}  (near-duplicates)")
    click.echo(f"Suggestions   {stats['suggestions']:>10,}  in {stats['suggestion_sets']} set(s)")
    for name, figures in stats["annotators"].items():
        click.echo(
            f"{shown(name)}: {figures['done']} done, {figures['in_progress']} in progress, "
            f"{figures['annotations']} annotations"
        )
    if stats["labels"]:
        labels = ", ".join(f"{shown(k)} {v}" for k, v in stats["labels"].items())
        click.echo("Annotations by label: " + labels)
