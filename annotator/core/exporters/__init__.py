"""Exports: one module a format, each writing from a span source of the store.

A *source* is `suggestions` (the newest suggestion set of each article),
`gold`, or an annotator's name. Every record says where its spans came from,
so an export always tells reviewed from unreviewed work (`base.is_reviewed`:
a person finished the article). `formats.EXPORTERS`
names them all; `common.py` holds what the token formats share.
"""

from annotator.core.exporters.base import ExportReport
from annotator.core.exporters.jsonl import export_jsonl

__all__ = ["ExportReport", "export_jsonl"]
