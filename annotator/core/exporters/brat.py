r"""brat standoff: a folder with `<article id>.txt`, `<article id>.ann` and `annotation.conf`.

An `.ann` file::

    T1\tFIGURE 0 21\tPlus de 13 000 civils
    A1\tQualifier T1 more_than
    #1\tAnnotatorNotes T1\t{"qualifier": "more_than", "unit": "civils", "value": 13000}
    T2\tLOC 37 45\tAlep-Est
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from annotator.core import figure_attrs
from annotator.core.errors import Cancelled
from annotator.core.exporters.base import (
    FormatReport,
    SourcedArticle,
    review_line,
    sourced_articles,
)
from annotator.core.exporters.common import (
    LINE_BREAKS,
    check_cancelled,
    staged_directory,
    write_bytes,
)
from annotator.core.files import atomic_write, inside, safe_name
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.records import LABELS
from annotator.core.store import Store

FIGURE = "FIGURE"
QUALIFIER = "Qualifier"  # the brat attribute that holds a FIGURE's qualifier
QUALIFIERS = figure_attrs.QUALIFIERS  # the guideline's closed list
CONF = "annotation.conf"
ARTICLES = "articles.jsonl"  # whose spans, reviewed or not, flag comments: brat has no place
_BREAKS = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_BRAT_NAME = re.compile(r"[^\s|,:;]+")


def export_brat(
    store: Store,
    out: Path,
    *,
    source: str,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> FormatReport:
    """Write the articles of `source` into the folder `out` as brat standoff.

    - `<article id>.txt`: the article's text exactly as stored, UTF-8, line
      ends untouched.
    - `<article id>.ann`: one `T` line a span, `T<n>\\tLABEL start end\\ttext`.
      Offsets are the store's: Python `str` indices, i.e. Unicode code points
      (brat on Python 3 counts the same way; tools counting UTF-16 units
      differ after an emoji). A span across a line break is written as brat
      writes it, in fragments `start end;start end` around the breaks, its
      text the fragments joined by a space. Spans are never moved or dropped:
      brat needs no tokens and `annotation.conf` allows overlaps.
    - FIGURE attributes, both ways: the qualifier as a brat attribute
      (`A<n>\\tQualifier T<n> more_than`), which the brat UI shows and edits;
      and every attribute of a span (value, value_max, qualifier, unit) as
      JSON in an `AnnotatorNotes` note (`#<n>\\tAnnotatorNotes T<n>\\t{...}`),
      since numbers and free-text units cannot be brat attribute values.
    - `annotation.conf`: the scheme's labels (PER, ORG, LOC, MISC, FIGURE,
      DATE) and any other label exported, as entities; `<OVERLAP>` allowing
      any overlap; the `Qualifier` attribute of FIGURE with the guideline's
      values (and any other value exported).
    - `articles.jsonl`: one JSON line an article, `{"id", "title", "source",
      "reviewed", "status", "comment"?}` (`base.review_record`): brat has no
      place for whose spans they are, whether a person finished the article,
      nor a flag comment (its notes belong to annotations).

    The folder appears whole; if it exists, the export's files replace
    theirs one by one and other files are left alone.
    """
    report = FormatReport()
    labels: list[str] = list(LABELS)
    qualifiers: list[str] = list(QUALIFIERS)
    try:
        with (
            staged_directory(out, report.files) as folder,
            atomic_write(folder / ARTICLES) as reviews,
        ):
            for item in sourced_articles(
                store, source, status=status, progress=progress, cancelled=cancelled
            ):
                reviews.write(review_line(item))
                article = item.article
                # The id names the files: never as it is (a merged id may be forged).
                name = safe_name(article.id)
                write_bytes(inside(folder, f"{name}.txt"), article.text.encode("utf-8"))
                ann = ann_lines(item, report, labels, qualifiers)
                write_bytes(inside(folder, f"{name}.ann"), "".join(ann).encode("utf-8"))
                report.articles += 1
            check_cancelled(cancelled)
            write_bytes(folder / CONF, annotation_conf(labels, qualifiers).encode("utf-8"))
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def ann_lines(
    item: SourcedArticle, report: FormatReport, labels: list[str], qualifiers: list[str]
) -> list[str]:
    """The `.ann` lines of an article; labels and qualifier values met are added to the lists."""
    text = item.article.text
    lines = []
    attributes = notes = 0
    for n, span in enumerate(item.spans, start=1):
        fragments = _fragments(text, span.start, span.end)
        where = ";".join(f"{s} {e}" for s, e in fragments)
        covered = " ".join(text[s:e] for s, e in fragments)
        lines.append(f"T{n}\t{span.label} {where}\t{covered}\n")
        report.labels[span.label] += 1
        if span.label not in labels:
            labels.append(span.label)
        qualifier = span.attrs.get("qualifier")
        if span.label == FIGURE and isinstance(qualifier, str) and _BRAT_NAME.fullmatch(qualifier):
            attributes += 1
            lines.append(f"A{attributes}\t{QUALIFIER} T{n} {qualifier}\n")
            if qualifier not in qualifiers:
                qualifiers.append(qualifier)
        if span.attrs:
            notes += 1
            note = json.dumps(span.attrs, ensure_ascii=False, sort_keys=True)
            lines.append(f"#{notes}\tAnnotatorNotes T{n}\t{note}\n")
    return lines


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut around line breaks (a `.ann` line cannot hold one)."""
    pieces = []
    position = start
    for brk in _BREAKS.finditer(text, start, end):
        if brk.start() > position:
            pieces.append((position, brk.start()))
        position = brk.end()
    if end > position:
        pieces.append((position, end))
    return pieces or [(start, end)]


def annotation_conf(labels: list[str], qualifiers: list[str]) -> str:
    lines = [
        "# Written by Annotator's brat export: the labels of the annotation scheme",
        "# and the attribute of FIGURE spans. Every attribute of a span (value,",
        "# value_max, qualifier, unit) is also in its AnnotatorNotes, as JSON.",
        "[entities]",
        *labels,
        "",
        "[relations]",
        "# Spans of one annotator may overlap: let brat show them all.",
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
        f"{QUALIFIER}\tArg:{FIGURE}, Value:{'|'.join(qualifiers)}",
    ]
    return "\n".join(lines) + "\n"
