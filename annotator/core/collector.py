"""The garbage collector during long bulk work (import, export)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def old_objects_left_alone() -> Iterator[None]:
    """Keep the garbage collector's full passes to the objects made during the block.

    An import or export makes millions of objects (rows, spans, dicts), which
    triggers full collections, and each went through every object of the
    program (modules, functions, the window): a fifth of a DocBin export.
    Frozen, those are skipped; nothing is lost, they are collected as usual
    afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
