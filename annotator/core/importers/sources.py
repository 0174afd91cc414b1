"""The files an import reads: paths named, and the files of folders named, with a format.

Nothing is opened here. A name that cannot be read (no such file, a folder
that refuses listing) and a path named that is not a regular file (a FIFO, a
device, a socket: opening one waits for ever) are named as problems, never
passed over in silence. In a folder, such a path and a symbolic link (which
may lead anywhere: `passwd.txt -> /etc/passwd`) are skipped and listed with
the files of other types; a link named on the command line is followed, as
the user chose it. Hidden files and folders are left out.
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
        # os.walk lists a link to a folder among the folders, and does not enter it.
        links = [f for f in folders if not f.startswith(".") and Path(root, f).is_symlink()]
        skipped.extend(f"{shown(Path(root, f))} (a link: not followed)" for f in sorted(links))
        folders[:] = [f for f in folders if not f.startswith(".") and f not in links]
        for name in names:
            if name.startswith("."):
                continue
            child = Path(root, name)
            try:
                info = child.lstat()  # a link is not followed: it may lead anywhere
            except OSError as error:  # a file removed meanwhile
                problems.append(InputError(shown(child), cannot_read(error)))
                continue
            if stat.S_ISREG(info.st_mode):
                files.append((child, info.st_size))
            elif stat.S_ISLNK(info.st_mode):
                skipped.append(f"{shown(child)} (a link: not followed)")
            elif not stat.S_ISDIR(info.st_mode):  # a FIFO, a device: never opened
                skipped.append(f"{shown(child)} ({_kind(info.st_mode)}: not opened)")
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
    return f"not a file to read ({_kind(mode)}); not opened"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"
