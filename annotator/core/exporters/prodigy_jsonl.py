"""Prodigy JSONL: one annotated NER task a line, as `prodigy db-in` and `ner.manual` read it.

A line::

    {"text": ..., "tokens": [{"text", "start", "end", "id", "ws"}, ...],
     "spans": [{"start", "end", "token_start", "token_end", "label", "text", "origin",
                "attrs"?}, ...],
     "meta": {"id", "title"?, "source", ...the article's meta},
     "source": {"source", "reviewed", ...},
     "answer": "accept", "_input_hash": int, "_task_hash": int}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import Cancelled
from annotator.core.exporters.base import FormatReport, SourcedArticle, sourced_articles
from annotator.core.exporters.common import (
    check_cancelled,
    place_spans,
    tokenized,
)
from annotator.core.files import atomic_write
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc


def export_prodigy(
    store: Store,
    out: Path,
    *,
    source: str,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    answer: str | None = "accept",
) -> FormatReport:
    """Write the articles of `source` as Prodigy NER tasks; the file appears whole or not at all.

    - `tokens`: every token of `spacy.blank("fr")` (the fr_core_news_*
      tokenizer), white space tokens such as line breaks included, as
      Prodigy's own tokenizer does; `ws` tells whether a space follows.
    - `spans`: `token_start` and `token_end` are token ids, `token_end`
      inclusive (Prodigy's convention); `start`/`end` are character offsets
      equal to the first token's `start` and the last token's `end`. Spans
      are placed by the rule of `spacy_docbin.place_spans`: overlaps keep the
      longer span; a span with an edge inside a token is widened to whole
      tokens unless that overlaps another span; every change is in the
      report. `origin` says whether the annotator corrected it: accepted,
      edited, manual, imported, or `suggestion` for the suggestions source;
      FIGURE spans carry `attrs` (value, value_max, qualifier, unit).
    - `meta`: the article id, its title when it has one, its `source` (the
      file it was imported from) and the article's own meta.
    - `source`: whose spans these are and whether they were reviewed, as in
      the JSONL export.
    - `answer`: "accept" by default; `answer=None` leaves it out, for a file
      of suggestions to correct in Prodigy rather than to load as answers.
    - `_input_hash` from the text, `_task_hash` from the input hash and the
      spans: stable signed 32-bit integers (the range Prodigy's own hashes
      use), the same on every machine and run. Two annotators' versions of
      one article share `_input_hash` and differ in `_task_hash`.
    """
    from spacy.vocab import Vocab

    vocab = Vocab()  # Docs come from cached tokens (`tokenized`): no tokenizer to load
    report = FormatReport(files=[out])
    try:
        with atomic_write(out) as stream:
            items = sourced_articles(
                store, source, status=status, progress=progress, cancelled=cancelled
            )
            for item, doc, _ in tokenized(store, items, vocab, cancelled):
                task = prodigy_task(doc, item, report, answer)
                stream.write(json.dumps(task, ensure_ascii=False) + "\n")
                report.articles += 1
            check_cancelled(cancelled)
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def prodigy_task(
    doc: Doc, item: SourcedArticle, report: FormatReport, answer: str | None = "accept"
) -> dict[str, Any]:
    """The task of one article, `doc` its tokens."""
    article = item.article
    tokens = [
        {
            "text": t.text,
            "start": t.idx,
            "end": t.idx + len(t.text),
            "id": t.i,
            "ws": bool(t.whitespace_),
        }
        for t in doc
    ]
    spans = []
    for placed in place_spans(doc, item, report):
        t = placed.tokens
        record: dict[str, Any] = {
            "start": t.start_char,
            "end": t.end_char,
            "token_start": t.start,
            "token_end": t.end - 1,
            "label": placed.span.label,
            "text": t.text,
            "origin": placed.origin,
        }
        if placed.span.attrs:
            record["attrs"] = dict(placed.span.attrs)
        spans.append(record)
        report.labels[placed.span.label] += 1
    meta: dict[str, Any] = {"id": article.id}
    if article.title:
        meta["title"] = article.title
    meta["source"] = article.source
    for key, value in article.meta.items():
        meta.setdefault(key, value)
    input_hash = stable_hash(article.text)
    task_hash = stable_hash(
        json.dumps([input_hash, [[s["start"], s["end"], s["label"]] for s in spans]])
    )
    task: dict[str, Any] = {
        "text": article.text,
        "tokens": tokens,
        "spans": spans,
        "meta": meta,
        "source": item.provenance,
    }
    if answer is not None:
        task["answer"] = answer
    task["_input_hash"] = input_hash
    task["_task_hash"] = task_hash
    return task


def stable_hash(text: str) -> int:
    """A signed 32-bit integer from SHA-256: the same for the same text, everywhere."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big", signed=True)
