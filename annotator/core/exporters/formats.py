"""The export formats by name: each a function `(store, out, *, source, status, progress,
cancelled, **format options) -> ExportReport`.

`out` is a file, except for the formats in FOLDER_FORMATS, where it is a
folder (created if missing).
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.exporters.base import ExportReport
from annotator.core.exporters.brat import export_brat
from annotator.core.exporters.conll import export_conll
from annotator.core.exporters.figures_csv import export_figures_csv
from annotator.core.exporters.jsonl import export_jsonl
from annotator.core.exporters.prodigy_jsonl import export_prodigy
from annotator.core.exporters.spacy_docbin import export_spacy

Exporter = Callable[..., ExportReport]

EXPORTERS: dict[str, Exporter] = {
    "jsonl": export_jsonl,
    "spacy": export_spacy,
    "prodigy": export_prodigy,
    "conll": export_conll,
    "brat": export_brat,
    "csv": export_figures_csv,
}

# Formats whose `out` is a folder: spacy writes train/dev/test.spacy, brat a .txt/.ann pair
# an article and annotation.conf.
FOLDER_FORMATS: frozenset[str] = frozenset({"spacy", "brat"})

# What each format's `out` usually looks like, for a CLI's help or a save dialog.
SUFFIXES: dict[str, str] = {
    "jsonl": ".jsonl",
    "spacy": "",
    "prodigy": ".jsonl",
    "conll": ".conll",
    "brat": "",
    "csv": ".csv",
}

__all__ = ["EXPORTERS", "FOLDER_FORMATS", "SUFFIXES", "Exporter"]
