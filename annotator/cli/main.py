"""The `annotator` command group, and what it does with no command: first run."""

from __future__ import annotations

from pathlib import Path

import click

from annotator import __version__
from annotator.cli.agreement_cmd import agreement_command
from annotator.cli.common import db_option, open_store, user_errors
from annotator.cli.evaluate_cmd import evaluate_command
from annotator.cli.export_cmd import export_command
from annotator.cli.import_cmd import import_command
from annotator.cli.list_cmd import list_command
from annotator.cli.preannotate_cmd import preannotate_command
from annotator.cli.stats_cmd import stats_command
from annotator.cli.team_cmd import adjudicate_command, merge_command
from annotator.core.first_run import prepare


@click.group(invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@click.option("--no-window", is_flag=True, help="With no command: set up, but open no window.")
@db_option
@click.pass_context
@user_errors
def cli(ctx: click.Context, no_window: bool, db_path: Path | None) -> None:
    """Correct machine pre-annotations of French news and curate gold data.

    With no command: create the default database on first use, import the
    sample corpus into it, and open the window.
    """
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db_path) as store:
        done = prepare(store)
        click.echo(done.describe())
    if no_window:
        return
    from annotator.gui.app import run

    raise SystemExit(run(store.path))


@cli.command("gui")
@click.option(
    "--annotator",
    metavar="NAME",
    help="Whose annotations, for this run only (without it: asked once, then remembered).",
)
@click.option(
    "--remember", is_flag=True, help="Also make --annotator NAME the default for later runs."
)
@db_option
@user_errors
def gui_command(annotator: str | None, remember: bool, db_path: Path | None) -> None:
    """Open the annotation window."""
    from annotator.cli.common import resolve_db
    from annotator.gui.app import run

    if remember and not annotator:
        raise click.UsageError("--remember needs --annotator NAME")
    raise SystemExit(run(resolve_db(db_path), annotator, remember))


cli.add_command(import_command)
cli.add_command(list_command)
cli.add_command(stats_command)
cli.add_command(preannotate_command)
cli.add_command(export_command)
cli.add_command(merge_command)
cli.add_command(agreement_command)
cli.add_command(evaluate_command)
cli.add_command(adjudicate_command)


def main() -> None:
    cli(prog_name="annotator")
