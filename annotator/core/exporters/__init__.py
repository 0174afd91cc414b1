"""Exports: one module a format, each writing from a span source of the store.

A *source* is `suggestions` (the newest suggestion set of each article), an
annotator's name, or (later) `gold`. Every record says where its spans came
from, so an export always tells reviewed from unreviewed work.
"""

from annotator.core.exporters.base import ExportReport
from annotator.core.exporters.jsonl import export_jsonl

EXPORTERS = {"jsonl": export_jsonl}

__all__ = ["EXPORTERS", "ExportReport", "export_jsonl"]
