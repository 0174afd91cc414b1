"""What every command shares: the --db option, opening the store, errors."""

from __future__ import annotations

import contextlib
import functools
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from annotator.cli import terminal
from annotator.cli.failures import machine_failure
from annotator.core.errors import AnnotatorError
from annotator.core.paths import DB_ENV, default_db_path
from annotator.core.store import Store

EXIT_REJECTED = 1  # the command ran, but some input was rejected
EXIT_COULD_NOT_RUN = 2  # a one-line message says why (a usage error is 2 too, click's)
EXIT_INTERRUPTED = 130


class CouldNotRun(click.ClickException):
    """The command could not do its work: one line on stderr, exit status 2."""

    exit_code = EXIT_COULD_NOT_RUN


def db_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Database file. Default: ${DB_ENV}, else annotator.db in the user data directory.",
    )(command)


def resolve_db(db_path: Path | None) -> Path:
    if db_path is None:
        parent = click.get_current_context().find_root().params.get("db_path")
        db_path = parent or default_db_path()
    return db_path


def open_store(db_path: Path | None, *, reading: bool = False) -> Store:
    """The store of `--db`; `reading` for a command that only reads it (a read-only
    file or folder is then read, never migrated)."""
    path = resolve_db(db_path)
    store = Store.open_for_reading(path) if reading else Store.open(path)
    if store.backup is not None:
        click.echo(f"Upgraded the database; a copy of the old one is at {store.backup}", err=True)
    return store


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the core's errors, and the machine's (`failures`), into one line on stderr
    and exit status 2; any other exception is a bug and keeps its traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AnnotatorError as error:
            raise CouldNotRun(terminal.shown(str(error))) from None
        except (OSError, sqlite3.DatabaseError) as error:
            message = machine_failure(error, _database(kwargs.get("db_path")))
            if message is None:
                raise
            raise CouldNotRun(terminal.shown(message)) from None

    return wrapper


def _database(db_path: Path | None) -> Path | None:
    """The database a command ran on, to name it in a message (None if it cannot be told)."""
    try:
        return resolve_db(db_path)
    except Exception:
        return None


@contextlib.contextmanager
def interruptible() -> Iterator[Callable[[], bool]]:
    """The first Ctrl+C asks long work to stop cleanly; a second one stops at once."""
    asked = False

    def handler(signum: int, frame: Any) -> None:
        nonlocal asked
        if asked:
            raise KeyboardInterrupt
        asked = True
        click.echo("\nStopping after the current batch (Ctrl+C again to stop now)…", err=True)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: asked
    finally:
        signal.signal(signal.SIGINT, previous)


class ProgressBar:
    """A bar on stderr, opened at the first report, when the total is known.

    Nothing is drawn when stderr is not a terminal (a log, a pipe, CI).
    """

    def __init__(self, label: str) -> None:
        self._label = terminal.shown(label)  # it may name a file: data
        self._bar: Any = None
        self._done = 0

    def update(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=max(total, 1), label=self._label, file=sys.stderr, show_eta=True, width=30
            )
            self._bar.__enter__()
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
