"""`annotator preannotate`: machine suggestions for every article not yet run."""

from __future__ import annotations

import time
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
from annotator.core.preannotation import DEFAULT_MODEL


@click.command("preannotate")
@click.option(
    "--model",
    default=DEFAULT_MODEL,
    show_default=True,
    help="Installed spaCy French pipeline (fr_core_news_sm is faster).",
)
@click.option(
    "--n-process",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes running the model.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Articles the model takes at a time.",
)
@db_option
@user_errors
def preannotate_command(model: str, n_process: int, batch_size: int, db_path: Path | None) -> None:
    """Suggest PER, ORG, LOC, MISC, FIGURE and DATE spans with spaCy and our recognisers.

    Suggestions are stored apart from human annotations, in a suggestion set
    named by the model, its version and the recognisers' version. Articles the
    same versions have already run over are skipped, so an interrupted run
    (Ctrl+C) continues where it stopped.
    """
    from annotator.core.preannotation.run import preannotate  # spaCy takes seconds to import

    started = time.perf_counter()
    bar = ProgressBar("Pre-annotating")
    with open_store(db_path) as store, interruptible() as cancelled:
        try:
            report = preannotate(
                store,
                model=model,
                n_process=n_process,
                batch_size=batch_size,
                cancelled=cancelled,
                progress=lambda p: bar.update(p.done, p.total),
            )
        finally:
            bar.close()
    s = report.suggestion_set
    seconds = time.perf_counter() - started
    click.echo(
        f"Pre-annotated {report.articles} article(s) in {seconds:.1f} s with {s.model} "
        f"{s.model_version} and recognisers {s.recognizers_version} (suggestion set {s.id})."
    )
    if report.already_done:
        click.echo(f"{report.already_done} article(s) already had these suggestions: skipped.")
    if report.labels:
        click.echo(
            "Suggestions: "
            + ", ".join(f"{label} {n}" for label, n in sorted(report.labels.items()))
        )
    if report.cancelled:
        click.echo("Interrupted: run the same command again to continue.", err=True)
        raise SystemExit(EXIT_INTERRUPTED)
