"""Queries over many ids, a chunk at a time: SQLite caps the bound parameters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlite_utils import Database

CHUNK = 500


def rows_over(db: Database, sql: str, params: Sequence[Any], ids: Sequence[str]) -> Iterator[Any]:
    """The rows of `sql` for all of `ids`: `{marks}` in `sql` stands for a chunk's
    placeholders, bound after `params`."""
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i : i + CHUNK])
        yield from db.execute(sql.format(marks=", ".join("?" * len(chunk))), [*params, *chunk])
