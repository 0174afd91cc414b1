"""spaCy DocBin: `train.spacy`, `dev.spacy`, `test.spacy`, ready for `spacy train`.

Written from arrays, not Docs (`token_arrays.py`): the token cache's ORTH ids,
the entities placed by the rule of `common.place_spans`, a chunk of articles
at a time. No spaCy object is made and spaCy is not even imported unless
some article was never tokenised.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from annotator.core.collector import old_objects_left_alone
from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.exporters.base import FormatReport, SourcedRows
from annotator.core.exporters.chunks import source_chunks
from annotator.core.exporters.common import (
    SPAN_GROUP,
    check_cancelled,
    staged_directory,
)
from annotator.core.exporters.docbin_writer import (
    SPAN_BIN,
    SPAN_RECORD,
    DocBinWriter,
    one_group_bytes,
)
from annotator.core.exporters.spacy_ids import (
    ENT_IOB,
    ENT_TYPE,
    IOB_B,
    IOB_I,
    IOB_O,
    ORTH,
    string_id,
)
from annotator.core.exporters.token_arrays import ChunkTokens, Placement, place, tokens_of
from annotator.core.exporters.user_data import UserData
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store
from annotator.core.token_cache import token_arrays

SPLITS: tuple[str, ...] = ("train", "dev", "test")
ATTRS = (ORTH, ENT_IOB, ENT_TYPE)  # what a Doc from the blank tokenizer holds


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
    the blank tokenizer sets. The files are written a chunk of articles at a
    time (`DocBinWriter`), so memory does not grow with the corpus. A span
    with no tokens at its offsets (past the text, or over white space that
    belongs to a token) is in neither the group nor the user data.
    """
    fractions = _checked_split(split)
    report = FormatReport()
    names = [name for name, f in zip(SPLITS, fractions, strict=True) if f > 0]
    report.splits = dict.fromkeys(names, 0)
    try:
        with old_objects_left_alone(), staged_directory(out, report.files) as folder:
            writers = {name: _Split(folder / f"{name}.spacy") for name in names}
            user_data = UserData()
            try:
                for chunk in source_chunks(store.path, source, status, progress, cancelled):
                    check_cancelled(cancelled)
                    cached = token_arrays(store, [i.article.id for i in chunk])
                    split = {
                        i.article.id: split_of(i.article.cluster or i.article.id, seed, fractions)
                        for i in chunk
                    }
                    # a split's articles one after another (in store order): their
                    # tokens are then one slice of the chunk's arrays
                    chunk.sort(key=lambda i: names.index(split[i.article.id]))
                    splits = [split[i.article.id] for i in chunk]
                    _add_chunk(chunk, cached, splits, writers, user_data, report)
                check_cancelled(cancelled)
                for writer in writers.values():
                    writer.docs.close()
            finally:
                for writer in writers.values():
                    writer.docs.discard()
    except Cancelled:
        report.cancelled, report.files = True, []
    return report


@dataclass
class _Split:
    """The DocBin file of one split, and the ORTH ids whose strings it holds already."""

    path: Path
    docs: DocBinWriter = field(init=False)
    known: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))  # sorted

    def __post_init__(self) -> None:
        self.docs = DocBinWriter(self.path, ATTRS)

    def new_strings(self, orths: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                    text: str) -> list[str]:  # fmt: skip
        """The texts of the tokens whose ORTH ids this file has no string for yet."""
        ids, first = np.unique(orths, return_index=True)
        known = self.known
        if len(known):
            new = known[np.minimum(np.searchsorted(known, ids), len(known) - 1)] != ids
        else:
            new = np.ones(len(ids), bool)
        if new.any():
            # two sorted runs: the stable sort (timsort) merges them in linear time, where
            # np.union1d sorted everything again (a 100k export's 1M ids, each chunk)
            self.known = np.sort(np.concatenate([known, ids[new]]), kind="stable")
        at = first[new]
        return [text[a:b] for a, b in zip(starts[at].tolist(), ends[at].tolist(), strict=True)]


def _add_chunk(
    chunk: Sequence[SourcedRows],
    cached: dict[str, tuple[np.ndarray, np.ndarray]],
    splits: list[str],
    writers: dict[str, _Split],
    user_data: UserData,
    report: FormatReport,
) -> None:
    """Add a chunk of articles to their splits' files: tokens, entities, span group, user data."""
    texts = [item.article.text for item in chunk]
    ids = [item.article.id for item in chunk]
    tokens = tokens_of(texts, [cached[i] for i in ids])
    rows = list(itertools.chain.from_iterable(item.rows for item in chunk))
    span_base = np.concatenate([[0], np.cumsum([len(item.rows) for item in chunk])])
    placement = place(tokens, texts, ids, rows, span_base, report)
    label_names = list(map(operator.itemgetter(3), rows))
    labels = np.fromiter(map(string_id, label_names), dtype=np.uint64, count=len(rows))
    table = np.stack([tokens.orths, *_entities(tokens, placement, labels)], axis=1)
    report.labels.update(itertools.compress(label_names, placement.entity.tolist()))
    records = _group_records(tokens, placement, labels, span_base)
    text = "".join(texts)
    # the user data lists the spans with tokens
    covered = placement.covered.tolist()
    spans = user_data.spans(list(itertools.compress(rows, covered)))
    spans_base = np.concatenate([[0], np.cumsum(placement.covered)])[span_base].tolist()
    label_strings = set(label_names)
    for name, writer in writers.items():
        mine = [k for k, split in enumerate(splits) if split == name]  # one run (sorted)
        if not mine:
            continue
        here = slice(tokens.token_base[mine[0]], tokens.token_base[mine[-1] + 1])
        strings = writer.new_strings(
            tokens.orths[here], tokens.starts[here], tokens.ends[here], text
        )
        strings += label_strings  # a label or two of another split's articles: harmless
        writer.docs.add_arrays(
            table[here],
            tokens.spaces[here],
            np.diff(tokens.token_base)[mine].tolist(),
            strings,
            [one_group_bytes(writer.docs.packer, SPAN_GROUP, records[k]) for k in mine],
            [
                user_data.packed(chunk[k], name, spans[spans_base[k] : spans_base[k + 1]])
                for k in mine
            ],
        )
        report.splits[name] += len(mine)
        report.articles += len(mine)


def _entities(
    tokens: ChunkTokens, placement: Placement, labels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ENT_IOB and ENT_TYPE columns: the entity spans (which never overlap) on the tokens;
    every other token is outside (O), as `doc.ents = spans` leaves it."""
    n = len(tokens.starts)
    kept = np.nonzero(placement.entity)[0]
    first, end = placement.first[kept], placement.end[kept]
    # each token's entity, 1-based (0: none), from +k at its first token and -k past its last
    marks = np.zeros(n + 1, np.int64)
    np.add.at(marks, first, np.arange(1, len(kept) + 1))
    np.add.at(marks, end, -np.arange(1, len(kept) + 1))
    entity = np.cumsum(marks)[:n]
    iob = np.where(entity > 0, IOB_I, IOB_O).astype(np.uint64)
    iob[first] = IOB_B
    types = np.concatenate([np.zeros(1, np.uint64), labels[kept]])[entity]
    return iob, types


def _group_records(
    tokens: ChunkTokens, placement: Placement, labels: np.ndarray, span_base: np.ndarray
) -> list[np.ndarray]:
    """Each article's span group: all its spans with tokens, widened to whole tokens,
    in store order (SPAN_RECORD rows, token and character offsets of the article)."""
    covered = placement.covered
    article = np.repeat(np.arange(len(span_base) - 1), np.diff(span_base))
    first, end = placement.first, placement.end
    records = np.zeros(len(labels), SPAN_RECORD)
    records["bin"] = SPAN_BIN
    records["label"] = labels
    records["start"] = first - tokens.token_base[article]
    records["end"] = end - tokens.token_base[article]
    records["start_char"] = tokens.starts[first] - tokens.char_base[article]
    records["end_char"] = tokens.ends[np.maximum(end - 1, 0)] - tokens.char_base[article]
    return [records[a:b][covered[a:b]] for a, b in itertools.pairwise(span_base.tolist())]
