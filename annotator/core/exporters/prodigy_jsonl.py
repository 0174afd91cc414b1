"""Prodigy JSONL: one annotated NER task a line, as `prodigy db-in` and `ner.manual` read it.

A line::

    {"text": ..., "tokens": [{"text", "start", "end", "id", "ws"}, ...],
     "spans": [{"start", "end", "token_start", "token_end", "label", "text", "origin",
                "attrs"?}, ...],
     "meta": {"id", "title"?, "source", ...the article's meta},
     "source": {"source", "reviewed", ...},
     "answer": "accept", "_input_hash": int, "_task_hash": int}

Written from arrays, 500 articles at a time, as the DocBin export is
(`token_arrays.py`): no spaCy Doc is made. 10k articles hold 5M tokens, and
each token's JSON is formatted as text, the same text `json.dumps` writes for
its dict (a test compares them), at a fifth of the cost.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from json.encoder import encode_basestring  # json.dumps(str, ensure_ascii=False)
from pathlib import Path
from typing import Any

import numpy as np

from annotator.core.collector import old_objects_left_alone
from annotator.core.errors import Cancelled
from annotator.core.exporters.base import FormatReport, SourcedRows
from annotator.core.exporters.chunks import source_chunks
from annotator.core.exporters.common import check_cancelled, origin_name
from annotator.core.exporters.token_arrays import ChunkTokens, Placement, place, tokens_of
from annotator.core.files import atomic_write
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store
from annotator.core.token_cache import token_arrays

_TOKEN = '{"text": %s, "start": %d, "end": %d, "id": %d, "ws": %s}'
_SPAN = '{"start": %d, "end": %d, "token_start": %d, "token_end": %d, "label": %s, "text": %s'
_WS = ("false", "true")
REVIEWED = "accept if reviewed"  # the answer: "accept" on the tasks a person reviewed


def export_prodigy(
    store: Store,
    out: Path,
    *,
    source: str,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    answer: str | None = REVIEWED,
) -> FormatReport:
    """Write the articles of `source` as Prodigy NER tasks; the file appears whole or not at all.

    - `tokens`: every token of `spacy.blank("fr")` (the fr_core_news_*
      tokenizer), white space tokens such as line breaks included, as
      Prodigy's own tokenizer does; `ws` tells whether a space follows.
    - `spans`: `token_start` and `token_end` are token ids, `token_end`
      inclusive (Prodigy's convention); `start`/`end` are character offsets
      equal to the first token's `start` and the last token's `end`. Spans
      are placed by the rule of `common.place_spans`: overlaps keep the
      longer span; a span with an edge inside a token is widened to whole
      tokens unless that overlaps another span; every change is in the
      report. `origin` says whether the annotator corrected it: accepted,
      edited, manual, imported, or `suggestion` for the suggestions source;
      FIGURE spans carry `attrs` (value, value_max, qualifier, unit).
    - `meta`: the article id, its title when it has one, its `source` (the
      file it was imported from) and the article's own meta.
    - `source`: whose spans these are and whether they were reviewed, as in
      the JSONL export.
    - `answer`: by default (`REVIEWED`) "accept" on the tasks a person
      reviewed (`base.is_reviewed`: an annotator's articles marked done,
      adjudicated gold) and none on the others (suggestions, articles todo,
      in progress, skipped or flagged, gold in review): those are tasks to
      correct in Prodigy, not answers to load. A string puts that answer on
      every task; None on none.
    - `_input_hash` from the text, `_task_hash` from the input hash and the
      spans: stable signed 32-bit integers (the range Prodigy's own hashes
      use), the same on every machine and run. Two annotators' versions of
      one article share `_input_hash` and differ in `_task_hash`.
    """
    report = FormatReport(files=[out])
    try:
        with old_objects_left_alone(), atomic_write(out) as stream:
            for chunk in source_chunks(store.path, source, status, progress, cancelled):
                check_cancelled(cancelled)
                cached = token_arrays(store, [i.article.id for i in chunk])
                stream.write("".join(prodigy_lines(chunk, cached, report, answer)))
                report.articles += len(chunk)
            check_cancelled(cancelled)
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def prodigy_lines(
    chunk: Sequence[SourcedRows],
    cached: dict[str, tuple[np.ndarray, np.ndarray]],
    report: FormatReport,
    answer: str | None = REVIEWED,
) -> list[str]:
    """The task lines of a chunk of articles, `cached` their tokens (`token_arrays`)."""
    texts = [item.article.text for item in chunk]
    ids = [item.article.id for item in chunk]
    tokens = tokens_of(texts, [cached[i] for i in ids])
    rows = list(itertools.chain.from_iterable(item.rows for item in chunk))
    span_base = np.concatenate([[0], np.cumsum([len(item.rows) for item in chunk])]).astype(
        np.int64
    )
    placement = place(tokens, texts, ids, rows, span_base, report)
    token_json = _tokens(tokens, "".join(texts))
    spans = _spans(tokens, placement, rows, span_base, texts, report)
    return [_line(item, token_json[k], spans[k], answer) for k, item in enumerate(chunk)]


def _tokens(tokens: ChunkTokens, text: str) -> list[str]:
    """Each article's tokens as the JSON of their dicts, offsets and ids its own."""
    article = np.repeat(np.arange(len(tokens.token_base) - 1), np.diff(tokens.token_base))
    base = tokens.char_base[article]
    starts, ends = tokens.starts.tolist(), tokens.ends.tolist()
    # the fields of every token one after another, formatted an article at a time
    # with one `%`: a tenth of the cost of formatting token by token
    fields: list[Any] = [None] * (5 * len(starts))
    fields[0::5] = map(encode_basestring, [text[a:b] for a, b in zip(starts, ends, strict=True)])
    fields[1::5] = (tokens.starts - base).tolist()
    fields[2::5] = (tokens.ends - base).tolist()
    fields[3::5] = (np.arange(len(starts)) - tokens.token_base[article]).tolist()
    fields[4::5] = map(_WS.__getitem__, tokens.spaces.tolist())
    token_base = tokens.token_base.tolist()
    return [
        ", ".join([_TOKEN] * (b - a)) % tuple(fields[5 * a : 5 * b])
        for a, b in itertools.pairwise(token_base)
    ]


def _spans(
    tokens: ChunkTokens,
    placement: Placement,
    rows: Sequence[tuple],
    span_base: np.ndarray,
    texts: Sequence[str],
    report: FormatReport,
) -> list[list[tuple[int, int, str, str]]]:
    """Each article's entities in text order: (start, end, label, the span's JSON)."""
    article = np.repeat(np.arange(len(texts)), np.diff(span_base))
    kept = np.nonzero(placement.entity)[0]
    kept = kept[np.lexsort((placement.first[kept], article[kept]))]
    first, last = placement.first[kept], placement.end[kept] - 1
    owner = article[kept]
    token_base, char_base = tokens.token_base[owner], tokens.char_base[owner]
    starts = (tokens.starts[first] - char_base).tolist()
    ends = (tokens.ends[last] - char_base).tolist()
    out: list[list[tuple[int, int, str, str]]] = [[] for _ in texts]
    for k, i, start, end, token_start, token_end in zip(
        owner.tolist(),
        kept.tolist(),
        starts,
        ends,
        (first - token_base).tolist(),
        (last - token_base).tolist(),
        strict=True,
    ):
        _, _, _, label, attrs, origin = rows[i]
        span = _SPAN % (
            start, end, token_start, token_end, encode_basestring(label),
            encode_basestring(texts[k][start:end]),
        )  # fmt: skip
        span += f', "origin": {encode_basestring(origin_name(origin))}'
        values = {} if attrs == "{}" else json.loads(attrs)
        if values:
            span += ', "attrs": ' + json.dumps(values, ensure_ascii=False)
        out[k].append((start, end, label, span + "}"))
        report.labels[label] += 1
    return out


def _line(
    item: SourcedRows,
    tokens: str,
    spans: list[tuple[int, int, str, str]],
    answer: str | None,
) -> str:
    """One task: the text `json.dumps(task, ensure_ascii=False)` writes for its dict."""
    article = item.article
    meta: dict[str, Any] = {"id": article.id}
    if article.title:
        meta["title"] = article.title
    meta["source"] = article.source
    for key, value in article.meta.items():
        meta.setdefault(key, value)
    if answer == REVIEWED:
        answer = "accept" if item.provenance.get("reviewed") else None
    input_hash = stable_hash(article.text)
    task_hash = stable_hash(json.dumps([input_hash, [[s, e, label] for s, e, label, _ in spans]]))
    parts = [
        '{"text": ',
        encode_basestring(article.text),
        ', "tokens": [',
        tokens,
        '], "spans": [',
        ", ".join(span for *_, span in spans),
        '], "meta": ',
        json.dumps(meta, ensure_ascii=False, allow_nan=False),
        ', "source": ',
        json.dumps(item.provenance, ensure_ascii=False),
    ]
    if answer is not None:
        parts += [', "answer": ', encode_basestring(answer)]
    parts.append(f', "_input_hash": {input_hash}, "_task_hash": {task_hash}}}\n')
    return "".join(parts)


def stable_hash(text: str) -> int:
    """A signed 32-bit integer from SHA-256: the same for the same text, everywhere."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big", signed=True)
