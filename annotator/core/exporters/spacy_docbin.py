"""spaCy DocBin: `train.spacy`, `dev.spacy`, `test.spacy`, ready for `spacy train`.

Tokens, sentences and the span rule come from `common.py`, shared with the
other token exports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.exporters.base import SourcedArticle, sourced_articles
from annotator.core.exporters.common import (
    SPAN_GROUP,
    USER_DATA_KEY,
    FormatReport,
    check_cancelled,
    origin_name,
    place_spans,
    staged_directory,
    tokenized,
)
from annotator.core.exporters.docbin_writer import DocBinWriter
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as TokenSpan


SPLITS: tuple[str, ...] = ("train", "dev", "test")
ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE")  # what a Doc from the blank tokenizer holds


def split_of(key: str, seed: int, split: Sequence[float]) -> str:
    """The split of an article, from a hash of (seed, key) alone.

    The same seed gives the same split whatever the store's order, and an
    article keeps its split when others are added.
    """
    digest = hashlib.sha256(f"{seed}\x00{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(split)
    bound = 0.0
    for name, fraction in zip(SPLITS, split, strict=True):
        bound += fraction
        if fraction > 0 and point < bound:
            return name
    return next(n for n, f in zip(SPLITS[::-1], split[::-1], strict=True) if f > 0)


def _checked_split(split: Sequence[float]) -> tuple[float, float, float]:
    values = tuple(float(f) for f in split)
    if len(values) != 3 or any(f < 0 for f in values) or abs(sum(values) - 1) > 1e-6:
        raise AnnotatorError(
            f"split {tuple(split)!r}: give three fractions (train, dev, test) that add up to 1"
        )
    return values  # type: ignore[return-value]


# -- the DocBin export -------------------------------------------------------


def export_spacy(
    store: Store,
    out: Path,
    *,
    source: str,
    status: str = "all",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    split: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = 0,
) -> FormatReport:
    """Write `train.spacy`, `dev.spacy` and `test.spacy` into the folder `out`.

    Split: by article, never inside one. An article goes to train, dev or
    test by a hash of `seed` and its near-duplicate cluster (its own id when
    it has none), so near-duplicates share a split, the same seed always
    gives the same split whatever the store's order, and articles added later
    do not move the others. The fractions are met on average, not exactly: on
    a small corpus check `report.splits`. A split whose fraction is 0 gets no
    file.

    Each Doc is the article tokenised by `spacy.blank("fr")` (token offsets
    cached in the store: only articles never tokenised before are run
    through the tokenizer), with:
    - `doc.ents`: the spans by the rule of `place_spans` (spans on token
      edges; overlaps: the longer kept; a span with an edge inside a token
      widened to whole tokens unless that overlaps another entity). Every
      change is reported in `report.misaligned` / `report.overlapping`.
      Tokens outside entities are "O" (known not to be entities).
    - `doc.spans["annotator"]`: every span of the source, overlaps included,
      each widened to whole tokens where it needs to be, in store order.
    - `doc.user_data["annotator"]`: `{"id", "title", "source", "reviewed",
      "provenance", "split", "origins", "spans"}`, where `spans[i]` is the
      i-th span of the group with its exact character offsets, label, attrs
      (the FIGURE value, value_max, qualifier, unit) and origin, and
      `origins[i]` its origin (accepted / edited / manual / imported /
      suggestion). The DocBin is written with `store_user_data=True`.

    Token attributes written: ORTH, ENT_IOB, ENT_TYPE (and the spaces), all
    the blank tokenizer sets. The files are written a Doc at a time
    (`DocBinWriter`), so memory does not grow with the corpus.
    """
    from spacy.vocab import Vocab

    fractions = _checked_split(split)
    # Docs are rebuilt from cached tokens: they need a vocabulary, not the tokenizer
    # (whose thousands of French exceptions take seconds to load).
    vocab = Vocab()
    report = FormatReport()
    names = [name for name, f in zip(SPLITS, fractions, strict=True) if f > 0]
    report.splits = dict.fromkeys(names, 0)
    try:
        with staged_directory(out, report.files) as folder:
            writers = {name: DocBinWriter(folder / f"{name}.spacy", ATTRS) for name in names}
            try:
                items = sourced_articles(
                    store, source, status=status, progress=progress, cancelled=cancelled
                )
                for item, doc, words in tokenized(store, items, vocab, cancelled):
                    name = split_of(item.article.cluster or item.article.id, seed, fractions)
                    group, user_data = _fill(doc, item, name, report)
                    writers[name].add(doc, words, {SPAN_GROUP: group}, user_data)
                    report.splits[name] += 1
                    report.articles += 1
                check_cancelled(cancelled)
                for writer in writers.values():
                    writer.close()
            finally:
                for writer in writers.values():
                    writer.discard()
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


def _fill(
    doc: Doc, item: SourcedArticle, split_name: str, report: FormatReport
) -> tuple[list[TokenSpan], dict[str, Any]]:
    """Set the entities of `doc` (the article's tokens); its span group and user data."""
    placed = place_spans(doc, item, report)
    doc.ents = [p.tokens for p in placed]
    for p in placed:
        report.labels[p.span.label] += 1
    group: list[TokenSpan] = []
    spans: list[dict[str, Any]] = []
    for span, origin in zip(item.spans, item.origins, strict=True):
        tokens = doc.char_span(span.start, span.end, span.label, alignment_mode="expand")
        if tokens is None:  # offsets outside the text: reported by place_spans
            continue
        group.append(tokens)
        spans.append(
            {
                "start": span.start,
                "end": span.end,
                "label": span.label,
                "attrs": dict(span.attrs),
                "origin": origin_name(origin),
            }
        )
    return group, {
        USER_DATA_KEY: {
            "id": item.article.id,
            "title": item.article.title,
            "source": item.provenance.get("source"),
            "reviewed": bool(item.provenance.get("reviewed")),
            "provenance": dict(item.provenance),
            "split": split_name,
            "origins": [s["origin"] for s in spans],
            "spans": spans,
        }
    }
