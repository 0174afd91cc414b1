"""The importer registry: one module a format, each exposing `FORMAT`.

Annotated formats (brat, CoNLL, Prodigy, doccano, Label Studio) join by adding
a module and a line to `_MODULES`.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.importers import csv, jsonl, txt
from annotator.core.importers.base import DEFAULT_MAX_CHARS, Format, Read, ReadOptions

_MODULES = (txt, jsonl, csv)
FORMATS: dict[str, Format] = {m.FORMAT.name: m.FORMAT for m in _MODULES}


def format_for(path: Path) -> Format | None:
    """The format a file's ending names, or None."""
    suffix = path.suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt
    return None


__all__ = ["DEFAULT_MAX_CHARS", "FORMATS", "Format", "Read", "ReadOptions", "format_for"]
