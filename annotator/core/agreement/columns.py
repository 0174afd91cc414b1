"""The input laid out as numpy columns over one corpus-wide character axis.

Articles are placed end to end in input order: article `i` covers corpus
offsets ``base[i] .. base[i + 1]``. A span or token of article `i` at `start`
sits at ``base[i] + start``, so no two articles' spans can overlap and every
measure can work on whole arrays instead of looping over articles in Python.
A span's attributes become an integer code (equal codes: attributes that
agree, `attribute_key`); 0 is a span with none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Any

import numpy as np

from annotator.core.agreement.inputs import AgreementInput, ArticleInput
from annotator.core.attribute_agreement import NO_ATTRIBUTES, attribute_key, compared_attributes
from annotator.core.errors import AnnotatorError, InvalidSpan
from annotator.core.records import LABELS

Array = np.ndarray


@dataclass(frozen=True, slots=True)
class SpanTable:
    """One annotator's spans as columns, sorted by (start, end, label), duplicates dropped.

    `start` and `end` are corpus offsets; `label` indexes `Corpus.labels`;
    `attrs` indexes `Corpus.attributes`.
    """

    article: Array
    start: Array
    end: Array
    label: Array
    attrs: Array

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True, slots=True)
class Corpus:
    ids: tuple[str, ...]
    base: Array  # len(ids) + 1 article starts; base[-1] is the corpus length
    labels: tuple[str, ...]
    annotators: tuple[str, ...]
    token_start: Array  # corpus offsets, in order
    token_end: Array
    token_article: Array
    spans: dict[str, SpanTable]
    # What each attribute code stands for (the compared attributes as stored); 0 is none.
    attributes: tuple[dict[str, Any], ...] = ({},)

    @property
    def length(self) -> int:
        return int(self.base[-1])

    def keyed(self, table: SpanTable) -> tuple[Array, Array]:
        """Offsets moved to one band per label, so only spans of one label can overlap."""
        shift = table.label * (self.length + 1)
        return table.start + shift, table.end + shift


def build_corpus(
    data: AgreementInput, annotators: Sequence[str], label: str | None = None
) -> Corpus:
    """Check the input and lay it out as columns; `label` keeps that label's spans only."""
    articles = tuple(data.articles)
    lengths = np.fromiter((len(a.text) for a in articles), dtype=np.int64, count=len(articles))
    base = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    token_start, token_end, token_article = _tokens(articles, base, lengths)
    raw = {name: _raw_spans(articles, name) for name in annotators}
    seen = set(chain.from_iterable(r[3] for r in raw.values()))
    labels = (label,) if label is not None else _label_order(seen)
    index = dict.fromkeys(seen, -1) | {name: i for i, name in enumerate(labels)}
    coder = _AttributeCoder()
    spans = {
        name: _table(articles, name, base, lengths, r, index, coder) for name, r in raw.items()
    }
    return Corpus(
        ids=tuple(a.id for a in articles),
        base=base,
        labels=labels,
        annotators=tuple(annotators),
        token_start=token_start,
        token_end=token_end,
        token_article=token_article,
        spans=spans,
        attributes=tuple(coder.shown),
    )


class _AttributeCoder:
    """One integer per distinct normalised attribute set, in the order they are met."""

    def __init__(self) -> None:
        self.codes: dict[tuple[Any, ...], int] = {NO_ATTRIBUTES: 0}
        self.shown: list[dict[str, Any]] = [{}]

    def __call__(self, attrs: dict[str, Any]) -> int:
        key = attribute_key(attrs)
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = len(self.shown)
            self.shown.append(compared_attributes(attrs))
        return code


def _label_order(seen: set[str]) -> tuple[str, ...]:
    # The scheme's order first, so reports read the same way every time.
    return tuple(lab for lab in LABELS if lab in seen) + tuple(sorted(seen - set(LABELS)))


def _tokens(
    articles: tuple[ArticleInput, ...], base: Array, lengths: Array
) -> tuple[Array, Array, Array]:
    parts: list[Array] = []
    for article in articles:
        tokens = article.tokens
        if isinstance(tokens, np.ndarray):
            parts.append(tokens.astype(np.int64).reshape(-1, 2))
        else:
            flat = np.fromiter(chain.from_iterable(tokens), dtype=np.int64, count=2 * len(tokens))
            parts.append(flat.reshape(-1, 2))
    counts = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    pairs = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    article = np.repeat(np.arange(len(articles), dtype=np.int64), counts)
    start, end = pairs[:, 0], pairs[:, 1]
    bad = (start < 0) | (end <= start) | (end > lengths[article])
    first = np.ones(len(start), dtype=bool)
    first[1:] = article[1:] != article[:-1]
    bad[1:] |= ~first[1:] & (start[1:] < end[:-1])  # tokens must come in order, apart
    if bad.any():
        k = int(np.argmax(bad))
        raise AnnotatorError(
            f"article {articles[article[k]].id}: token ({start[k]}, {end[k]}) is empty, "
            "outside the text or out of order"
        )
    return start + base[article], end + base[article], article


RawSpans = tuple[list[int], list[int], list[int], list[str], list[dict[str, Any]]]
_START, _END, _LABEL = attrgetter("start"), attrgetter("end"), attrgetter("label")
_ATTRS = attrgetter("attrs")


def _raw_spans(articles: tuple[ArticleInput, ...], annotator: str) -> RawSpans:
    counts: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    labels: list[str] = []
    attrs: list[dict[str, Any]] = []
    for article in articles:
        try:
            spans = article.spans[annotator]
        except KeyError:
            raise AnnotatorError(
                f"article {article.id} has no spans for {annotator!r}: only articles every "
                "compared annotator finished can be compared"
            ) from None
        counts.append(len(spans))
        starts.extend(map(_START, spans))
        ends.extend(map(_END, spans))
        labels.extend(map(_LABEL, spans))
        attrs.extend(map(_ATTRS, spans))
    return counts, starts, ends, labels, attrs


def _table(
    articles: tuple[ArticleInput, ...],
    annotator: str,
    base: Array,
    lengths: Array,
    raw: RawSpans,
    index: dict[str, int],
    coder: _AttributeCoder,
) -> SpanTable:
    counts, starts, ends, names, attrs = raw
    article = np.repeat(np.arange(len(articles), dtype=np.int64), counts)
    start = np.array(starts, dtype=np.int64)
    end = np.array(ends, dtype=np.int64)
    bad = (start < 0) | (end <= start) | (end > lengths[article])
    if bad.any():
        k = int(np.argmax(bad))
        raise InvalidSpan(
            f"article {articles[article[k]].id}, {annotator}: span ({start[k]}, {end[k]}, "
            f"{names[k]}) is empty or outside the text"
        )
    label = np.fromiter(map(index.__getitem__, names), dtype=np.int64, count=len(names))
    code = np.zeros(len(names), dtype=np.int64)
    for k in [k for k, a in enumerate(attrs) if a]:  # most spans have none: skip them fast
        code[k] = coder(attrs[k])
    keep = label >= 0  # other labels when one label was asked for
    article, start, end, label, code = (x[keep] for x in (article, start, end, label, code))
    start, end = start + base[article], end + base[article]
    order = np.lexsort((label, end, start))  # stable: of twins, the first given stays
    article, start, end, label, code = (x[order] for x in (article, start, end, label, code))
    # The same span twice says nothing more than once: keep one.
    unique = np.ones(len(start), dtype=bool)
    unique[1:] = (start[1:] != start[:-1]) | (end[1:] != end[:-1]) | (label[1:] != label[:-1])
    return SpanTable(article[unique], start[unique], end[unique], label[unique], code[unique])
