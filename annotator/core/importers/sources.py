"""The files an import reads: paths named, and the files of folders named, with a format.

Nothing is opened here. A name that cannot be read (no such file, a folder
that refuses listing) and a path that is not a regular file (a FIFO, a
device, a socket: opening one waits for ever) are named as problems, never
passed over in silence; hidden files and folders are left out.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.importers import FORMATS, Format, format_for
from annotator.core.importers.base import shown

Found = tuple[Path, Format, int]  # a file, its format, its size in bytes


def found(
    paths: Iterable[str | Path],
    forced: Format | None,
    problems: list[InputError],
    skipped: list[str],
) -> Iterator[Found]:
    """The files to read, in order; what cannot be read goes to `problems`.

    A file named on purpose is read even with an unknown ending (as text); in a
    folder, files of no known format (or not of `forced`) go to `skipped`.
    """
    for given in paths:
        path = Path(given)
        try:
            info = path.stat()
        except FileNotFoundError:
            problems.append(InputError(shown(path), "no such file or directory"))
            continue
        except OSError as error:
            problems.append(InputError(shown(path), cannot_read(error)))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _folder(path, forced, problems, skipped)
        elif not stat.S_ISREG(info.st_mode):
            problems.append(InputError(shown(path), _not_a_file(info.st_mode)))
        else:
            yield path, forced or format_for(path) or FORMATS["txt"], info.st_size


def cannot_read(error: OSError) -> str:
    return f"cannot read: {error.strerror or error}"


def _folder(
    folder: Path, forced: Format | None, problems: list[InputError], skipped: list[str]
) -> Iterator[Found]:
    files: list[tuple[Path, int]] = []

    def unreadable(error: OSError) -> None:
        where = shown(error.filename) if error.filename else shown(folder)
        problems.append(InputError(where, cannot_read(error)))

    for root, folders, names in os.walk(folder, onerror=unreadable):
        folders[:] = [f for f in folders if not f.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            child = Path(root, name)
            try:
                info = child.stat()
            except OSError as error:  # a link to nowhere, a file removed meanwhile
                problems.append(InputError(shown(child), cannot_read(error)))
                continue
            if stat.S_ISREG(info.st_mode):
                files.append((child, info.st_size))
            elif not stat.S_ISDIR(info.st_mode):  # a FIFO, a device: never opened
                skipped.append(shown(child))
    for child, size in sorted(files):
        fmt = forced or format_for(child)
        if forced is not None and child.suffix.lower() not in forced.extensions:
            fmt = None  # in a folder, a forced format reads only its own files
        elif forced is None and child.suffix == ".txt" and child.with_suffix(".ann").exists():
            continue  # the text of a brat document, read with its .ann
        if fmt is None:
            skipped.append(shown(child))
        else:
            yield child, fmt, size


def _not_a_file(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        kind = "a FIFO"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "not a regular file"
    return f"not a file to read ({kind}); not opened"
