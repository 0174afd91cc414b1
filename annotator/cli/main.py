"""The `annotator` command group, and what it does with no command: first run."""

from __future__ import annotations

from pathlib import Path

import click

from annotator import __version__
from annotator.cli.common import db_option, open_store, user_errors
from annotator.cli.export_cmd import export_command
from annotator.cli.import_cmd import import_command
from annotator.cli.list_cmd import list_command
from annotator.cli.preannotate_cmd import preannotate_command
from annotator.cli.stats_cmd import stats_command
from annotator.core.first_run import prepare


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@db_option
@click.pass_context
@user_errors
def cli(ctx: click.Context, db_path: Path | None) -> None:
    """Correct machine pre-annotations of French news and curate gold data.

    With no command: create the default database on first use, import the
    sample corpus into it, and open the window.
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db_path) as store:
        done = prepare(store)
        click.echo(done.describe())
    click.echo(
        "The annotation window is not built yet. Meanwhile:\n"
        f"  annotator list --db {store.path}\n"
        f"  annotator stats --db {store.path}\n"
        f"  annotator import PATH... --db {store.path}"
    )


cli.add_command(import_command)
cli.add_command(list_command)
cli.add_command(stats_command)
cli.add_command(preannotate_command)
cli.add_command(export_command)


def main() -> None:
    cli(prog_name="annotator")
