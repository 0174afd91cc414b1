"""Writing files safely: a temporary file, then an atomic rename; names from data made harmless."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to `path` so that readers see the old file or the whole new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, mode, encoding=None if "b" in mode else encoding) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


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
