"""Writing files safely: a temporary file, then an atomic rename; names from data made harmless."""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# Our temporary files and folders say so in their name, with the process that made
# them: after a kill -9, the next write to the same target removes them (`clean_leftovers`).
MARK = ".annotator-partial."


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to `path` so that readers see the old file or the whole new one, never half.

    The file gets the mode any new file gets (0666 less the umask), not the
    0600 of a temporary file. A failure of the machine (full disk, no right
    to write) is raised as an OSError that names `path`.
    """
    make_folder(path)
    try:
        if MARK not in path.parent.name:  # a staging folder is new: nothing to clean
            clean_leftovers(path.parent, path.name)
        handle, temporary = tempfile.mkstemp(prefix=leftover_prefix(path.name), dir=path.parent)
    except OSError as error:
        raise _naming(error, path) from error
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(handle, 0o666 & ~umask())
            with os.fdopen(handle, mode, encoding=None if "b" in mode else encoding) as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except OSError as error:
            raise _naming(error, path) from error
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def make_folder(path: Path) -> None:
    """Make the folder `path` goes in; a parent that is a file is named as such."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
        raise NotADirectoryError(
            errno.ENOTDIR, f"{blocking} is a file, not a folder", str(path)
        ) from None
    except OSError as error:
        raise _naming(error, path) from error


def _naming(error: OSError, path: Path) -> OSError:
    """`error` naming `path` (a write or fsync on a full disk names no file)."""
    if error.filename is not None and not Path(os.fsdecode(error.filename)).name.startswith("."):
        return error
    return type(error)(error.errno, error.strerror or str(error), str(path))


@functools.cache
def umask() -> int:
    """The process's umask (read once: reading it means setting it for an instant)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def leftover_prefix(name: str) -> str:
    """The start of the name of a temporary file or folder made for the target `name`."""
    return f".{name}{MARK}{os.getpid()}."


def clean_leftovers(folder: Path, name: str) -> None:
    """Remove what an earlier write to `folder / name` left when its process was killed.

    Only our own leftovers (`leftover_prefix`) of a process that no longer
    runs: another export to the same target may be running now.
    """
    start = f".{name}{MARK}"
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(start):
            continue
        pid = entry.name[len(start) :].split(".", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)


def _running(pid: int) -> bool:
    """Whether process `pid` runs (on Windows, where that cannot be asked safely: assumed)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


# What a file name made from data may hold: letters, digits, dot, dash, underscore.
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_MAX_NAME = 64


def safe_name(name: str) -> str:
    """A file name made from data (an article id), reduced to a harmless form.

    Article ids are 16 hex digits and come out unchanged; anything else (a
    forged id from a merged database: separators, `..`, control characters,
    a name too long) keeps its safe characters and gets a hash of the whole,
    so two different names never meet in one file.
    """
    if name and len(name) <= _MAX_NAME and set(name) <= _SAFE and not name.startswith("."):
        return name
    kept = "".join(c if c in _SAFE else "_" for c in name).lstrip(".")[:40] or "article"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{kept}-{digest}"


def inside(folder: Path, name: str) -> Path:
    """`folder / name` for a name from `safe_name`, checked to stay inside the folder."""
    path = folder / name
    if path.resolve().parent != folder.resolve():
        raise ValueError(f"{name!r} would be written outside {folder}")
    return path
