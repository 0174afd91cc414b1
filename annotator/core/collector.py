"""The garbage collector during long bulk work (import, export)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def old_objects_left_alone() -> Iterator[None]:
    """No garbage collector passes during the block, over old objects or new ones.

    An import or export makes millions of objects (rows, spans, records),
    which triggers full collections, and each went through every object of
    the program (modules, functions, the window): a tenth of an import, a
    fifth of a DocBin export. Frozen, those are skipped; nothing is lost,
    they are collected as usual afterwards. The younger passes, over the
    spans of a batch, took another twentieth; what this bulk work makes
    holds no reference cycles (records, tuples, strings), so reference
    counting frees it without them.
    """
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()
