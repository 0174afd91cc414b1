"""The importer registry: one module a format, each exposing `FORMAT`.

Plain formats (txt, jsonl, csv) give articles; annotated ones (brat, CoNLL,
CoNLL-U, Label Studio, doccano, Prodigy, and jsonl with spans) give articles
with spans. A new format is a module and a line in `_MODULES`.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.importers import (
    brat,
    conll,
    conllu,
    csv,
    doccano,
    jsonl,
    label_studio,
    prodigy,
    txt,
)
from annotator.core.importers.base import DEFAULT_MAX_CHARS, Format, Read, ReadOptions

# Order matters where endings are shared: jsonl is the default reader of .jsonl;
# doccano and prodigy files are read with --format.
_MODULES = (txt, jsonl, csv, brat, conll, conllu, label_studio, doccano, prodigy)
FORMATS: dict[str, Format] = {m.FORMAT.name: m.FORMAT for m in _MODULES}


def format_for(path: Path) -> Format | None:
    """The format a file's ending names, or None."""
    suffix = path.suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt
    return None


__all__ = ["DEFAULT_MAX_CHARS", "FORMATS", "Format", "Read", "ReadOptions", "format_for"]
