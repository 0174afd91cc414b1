"""The articles of a source a chunk at a time, read ahead in a thread, for the array exports.

The DocBin and Prodigy exports work on 500 articles at once (`token_arrays.py`):
their rows are read from a Store of the reader thread's own while the export
writes the chunk before, and articles never tokenised are tokenised there.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from annotator.core.exporters.base import SourcedRows, sourced_rows
from annotator.core.exporters.common import TOKEN_CHUNK, read_ahead
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store
from annotator.core.token_cache import Tokenizer, missing_tokens

T = TypeVar("T")


def source_chunks(
    path: Path,
    source: str,
    status: str,
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
) -> Iterator[list[SourcedRows]]:
    """The articles of the source in chunks of `TOKEN_CHUNK`, each with its tokens cached
    (`token_cache.token_arrays` then only reads them), read ahead in a thread."""

    def chunks() -> Iterator[list[SourcedRows]]:
        # In the reader thread, from a Store of its own. Articles never tokenised are
        # tokenised here first, so the writing thread then only reads the token cache
        # (reading it here too would leave that thread waiting for this one).
        store = Store.open_for_reading(path)  # the export only reads (a read-only file too)
        try:
            with Tokenizer(processes=os.cpu_count() or 1) as tokenizer:
                items = sourced_rows(store, source, status=status, progress=progress,
                                     cancelled=cancelled)  # fmt: skip
                for chunk in batched(items, TOKEN_CHUNK):
                    ids = [i.article.id for i in chunk]
                    missing_tokens(store, ids, cancelled=cancelled, tokenizer=tokenizer)
                    yield chunk
        finally:
            store.close()

    return read_ahead(chunks)


def batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """Lists of `n` items (the last one shorter); itertools.batched from Python 3.12."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, n)):
        yield chunk
