"""Where annotators differ, for an adjudicator to look at.

Spans of all compared annotators that overlap, directly or through a chain
of overlaps, form a cluster. A cluster is a disagreement unless every
annotator has exactly the same spans in it (same start, end, label and
attributes, `attribute_key`). Its range runs from the first start to the last
end of its spans, and it tells what each annotator said there: their spans
(with their FIGURE attributes), or nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

import numpy as np

from annotator.core.agreement.columns import Corpus
from annotator.core.records import Span

Array = np.ndarray
Kind = Literal["missing", "label", "boundary", "mixed", "attributes"]
KINDS: tuple[Kind, ...] = ("missing", "label", "boundary", "mixed", "attributes")


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Characters ``start..end`` of an article where annotators differ.

    `said` gives every compared annotator's spans in the range (offsets into
    the article's text; an empty tuple means they marked nothing there).
    `kind`: "missing" when someone marked nothing; "label" when all marked
    the same offsets with different labels; "boundary" when all used one
    label with different offsets; "attributes" when all marked the same
    spans, some with other attributes (a FIGURE's value, qualifier...);
    "mixed" otherwise.
    """

    article: str
    start: int
    end: int
    kind: Kind
    said: dict[str, tuple[Span, ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "said": {
                name: [_span_json(s.start, s.end, s.label, s.attrs) for s in spans]
                for name, spans in self.said.items()
            },
        }


class Disagreements(Sequence[Disagreement]):
    """The disagreements, by article (input order) then position.

    Kept as columns and turned into `Disagreement`s when read: a corpus can
    have a hundred thousand of them, and a window shows a page at a time.
    """

    def __init__(self, corpus: Corpus, spans: dict[str, Array], bounds: Array, kind: Array):
        self._ids = corpus.ids
        self._labels = corpus.labels
        self._names = corpus.annotators
        self._base = corpus.base
        self._attributes = corpus.attributes
        # The spans of the disagreements, cluster after cluster; bounds[c] starts cluster c.
        self._spans = spans
        self._bounds = bounds
        self._kind = kind

    def __len__(self) -> int:
        return len(self._kind)

    @overload
    def __getitem__(self, index: int) -> Disagreement: ...

    @overload
    def __getitem__(self, index: slice) -> list[Disagreement]: ...

    def __getitem__(self, index: int | slice) -> Disagreement | list[Disagreement]:
        if isinstance(index, slice):
            return [self[k] for k in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._make(index % len(self))

    def __iter__(self) -> Iterator[Disagreement]:
        return (self._make(k) for k in range(len(self)))

    def in_article(self, article_id: str) -> list[Disagreement]:
        first = self._spans["article"][self._bounds[:-1]]
        wanted = self._ids.index(article_id)
        return [self._make(int(k)) for k in np.flatnonzero(first == wanted)]

    def to_json(self) -> list[dict[str, Any]]:
        """Every disagreement as `Disagreement.to_json` gives it, straight from the columns."""
        names, labels, ids, attributes = self._names, self._labels, self._ids, self._attributes
        base = self._base.tolist()
        who, start, end, label, attrs, article = (
            self._spans[k].tolist() for k in ("who", "start", "end", "label", "attrs", "article")
        )
        bounds = self._bounds.tolist()
        out = []
        for k, kind in enumerate(self._kind.tolist()):
            lo, hi = bounds[k], bounds[k + 1]
            offset = base[article[lo]]
            said: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
            for r in range(lo, hi):
                said[names[who[r]]].append(
                    _span_json(
                        start[r] - offset, end[r] - offset, labels[label[r]], attributes[attrs[r]]
                    )
                )
            out.append(
                {
                    "article": ids[article[lo]],
                    "start": start[lo] - offset,
                    "end": max(end[lo:hi]) - offset,
                    "kind": KINDS[kind],
                    "said": said,
                }
            )
        return out

    def _make(self, k: int) -> Disagreement:
        lo, hi = int(self._bounds[k]), int(self._bounds[k + 1])
        article = int(self._spans["article"][lo])
        offset = int(self._base[article])
        said: dict[str, list[Span]] = {name: [] for name in self._names}
        rows = zip(
            self._spans["who"][lo:hi].tolist(),
            self._spans["start"][lo:hi].tolist(),
            self._spans["end"][lo:hi].tolist(),
            self._spans["label"][lo:hi].tolist(),
            self._spans["attrs"][lo:hi].tolist(),
            strict=True,
        )
        for who, start, end, label, attrs in rows:
            shown = dict(self._attributes[attrs])
            said[self._names[who]].append(
                Span(start - offset, end - offset, self._labels[label], shown)
            )
        return Disagreement(
            self._ids[article],
            int(self._spans["start"][lo]) - offset,
            int(self._spans["end"][lo:hi].max()) - offset,
            KINDS[int(self._kind[k])],
            {name: tuple(spans) for name, spans in said.items()},
        )


def disagreements(corpus: Corpus) -> Disagreements:
    """Find every disagreement; all the work is on arrays, one pass over the spans."""
    names = corpus.annotators
    m = len(names)
    tables = [corpus.spans[n] for n in names]
    cols = {
        "who": np.concatenate([np.full(len(t), r, dtype=np.int64) for r, t in enumerate(tables)]),
        "article": np.concatenate([t.article for t in tables]),
        "start": np.concatenate([t.start for t in tables]),
        "end": np.concatenate([t.end for t in tables]),
        "label": np.concatenate([t.label for t in tables]),
        "attrs": np.concatenate([t.attrs for t in tables]),
    }
    if m < 2 or not len(cols["start"]):
        return Disagreements(corpus, cols, np.zeros(1, dtype=np.int64), np.zeros(0, np.int64))
    order = np.lexsort((cols["who"], cols["label"], cols["end"], cols["start"]))
    cols = {k: v[order] for k, v in cols.items()}
    who, start, end, label, attrs = (cols[k] for k in ("who", "start", "end", "label", "attrs"))
    # A new cluster starts where a span begins after every earlier span has ended.
    new = np.ones(len(start), dtype=bool)
    new[1:] = start[1:] >= np.maximum.accumulate(end)[:-1]
    cluster = np.cumsum(new) - 1
    n_clusters = int(cluster[-1]) + 1

    def per_cluster(*keys: Array) -> Array:
        """How many distinct values of (cluster, *keys) each cluster has."""
        rows = np.lexsort((*reversed(keys), cluster))
        changed = np.zeros(len(rows), dtype=bool)
        changed[0] = True
        for key in (cluster, *keys):
            sorted_key = key[rows]
            changed[1:] |= sorted_key[1:] != sorted_key[:-1]
        return np.bincount(cluster[rows][changed], minlength=n_clusters)

    spans_in = np.bincount(cluster, minlength=n_clusters)
    # Spans are unique per annotator: a cluster all agree on has each span m times.
    same_spans = per_cluster(start, end, label) * m == spans_in
    # Rows of one (start, end, label) are consecutive: attributes differ where neighbours do.
    differ = (
        (start[1:] == start[:-1])
        & (end[1:] == end[:-1])
        & (label[1:] == label[:-1])
        & (attrs[1:] != attrs[:-1])
    )
    attributes_differ = np.bincount(cluster[1:][differ], minlength=n_clusters) > 0
    agreed = same_spans & ~attributes_differ
    annotators_in = per_cluster(who)
    offsets_in = per_cluster(start, end)
    offset_owners = per_cluster(start, end, who)
    labels_in = per_cluster(label)
    kind = np.full(n_clusters, 3, dtype=np.int64)  # mixed
    kind[labels_in == 1] = 2  # boundary
    kind[offset_owners == offsets_in * m] = 1  # label: every annotator has every offset pair
    kind[annotators_in < m] = 0  # missing
    kind[same_spans] = 4  # attributes: the only difference left (agreed ones are dropped)
    keep = ~agreed
    bounds = np.concatenate([[0], np.cumsum(spans_in[keep])]).astype(np.int64)
    kept = {k: v[keep[cluster]] for k, v in cols.items()}
    return Disagreements(corpus, kept, bounds, kind[keep])


def _span_json(start: int, end: int, label: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """A span as JSON; `attrs` only when it has some (a FIGURE's), to keep the output small."""
    out: dict[str, Any] = {"start": start, "end": end, "label": label}
    if attrs:
        out["attrs"] = attrs
    return out
