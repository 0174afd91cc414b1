"""The tokens of many articles as arrays, and their spans placed on them, without Docs.

A DocBin holds token arrays, so the DocBin export builds them straight from
the token cache: making a spaCy Doc costs about a microsecond a token, and
10k articles have 5M tokens. Everything here works on a chunk of articles at
once, with numpy; Python loops only over the rare white space tokens and the
spans that need the overlap rule.

`tokens_of` gives what `words_and_spaces` gives, and `place` what the rule of
`common.place_spans` gives (tests check both under hypothesis).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from annotator.core.exporters.base import FormatReport, SpanIssue

if TYPE_CHECKING:
    pass
from annotator.core.exporters.spacy_ids import string_id


@dataclass(frozen=True)
class ChunkTokens:
    """The tokens of a chunk of articles, one after another, white space tokens included.

    Offsets are global: an article's characters start where the previous
    article's end (`char_base`), so one sorted array serves every article.
    """

    starts: np.ndarray  # int64, global offset of each token
    ends: np.ndarray  # int64, start + length of its text (its trailing space excluded)
    spaces: np.ndarray  # bool, a single space follows the token
    orths: np.ndarray  # uint64, spaCy's ORTH id of its text
    token_base: np.ndarray  # int64 (articles + 1,): index of each article's first token
    char_base: np.ndarray  # int64 (articles + 1,): global offset of each article's text

    def local(self, article: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, spaces, orths) of one article, offsets into its own text."""
        a, b = self.token_base[article], self.token_base[article + 1]
        base = self.char_base[article]
        return self.starts[a:b] - base, self.ends[a:b] - base, self.spaces[a:b], self.orths[a:b]


def tokens_of(texts: Sequence[str], cached: Sequence[tuple[np.ndarray, np.ndarray]]) -> ChunkTokens:
    """The tokens spaCy's tokenizer makes of `texts`, from the cache's (offsets, ORTH ids).

    The cache leaves white space tokens out; they come back by spaCy's rule
    (see `token_cache.words_and_spaces`): a single space after a token is its
    trailing white space, and any other run of white space between two
    tokens, or at an edge of the text, is a token of its own.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    char_base = np.concatenate([[0], np.cumsum(lengths)])
    counts = np.fromiter((len(c[0]) for c in cached), dtype=np.int64, count=len(cached))
    article = np.repeat(np.arange(len(texts)), counts)
    offsets = (
        np.concatenate([c[0] for c in cached]).astype(np.int64)
        if len(cached)
        else np.zeros((0, 2), np.int64)
    )
    starts = offsets[:, 0] + char_base[article]
    ends = offsets[:, 1] + char_base[article]
    orths = np.concatenate([c[1] for c in cached]) if len(cached) else np.zeros(0, np.uint64)
    text = "".join(texts)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    text_end = char_base[article + 1]
    after = np.minimum(ends, max(len(codes) - 1, 0))
    spaces = (ends < text_end) & (codes[after] == 32) if len(codes) else np.zeros(0, bool)

    # White space tokens: after a token, up to the next one (or the end of its text) ...
    following = np.empty_like(starts)
    following[:-1] = starts[1:]
    last = np.ones(len(starts), bool)
    last[:-1] = article[1:] != article[:-1]
    following[last] = text_end[last]
    gap_start = ends + spaces
    gaps = np.nonzero(following > gap_start)[0]
    # ... and before an article's first token, or the whole text of an article without any.
    first = np.concatenate([[0], np.cumsum(counts)])[:-1]
    empty = counts == 0
    firsts = starts[np.minimum(first, len(starts) - 1)] if len(starts) else char_base[1:]
    leading_end = np.where(empty, char_base[1:], firsts)
    lead = np.nonzero(leading_end > char_base[:-1])[0]

    # A white space token goes before the token at its position `where`; at one
    # position, the previous article's trailing white space (listed first, kept
    # first by the stable sort) before the next article's leading white space.
    where = np.concatenate([gaps + 1, first[lead]])
    order = np.argsort(where, kind="stable")
    where = where[order]
    new_starts = np.concatenate([gap_start[gaps], char_base[lead]])[order]
    new_ends = np.concatenate([following[gaps], leading_end[lead]])[order]
    new_article = np.concatenate([article[gaps], lead])
    new_orths = np.fromiter(
        (string_id(text[s:e]) for s, e in zip(new_starts.tolist(), new_ends.tolist(), strict=True)),
        dtype=np.uint64,
        count=len(new_starts),
    )
    # Where each token lands once they are in (one scatter, where np.insert would
    # copy every array again).
    n = len(starts)
    to_new = where + np.arange(len(where))
    to_old = np.arange(n) + np.cumsum(np.bincount(where, minlength=n + 1))[:n]

    def merged(old: np.ndarray, new: np.ndarray | bool) -> np.ndarray:
        out = np.empty(n + len(where), old.dtype)
        out[to_old] = old
        out[to_new] = new
        return out

    counts = counts + np.bincount(new_article, minlength=len(texts))
    return ChunkTokens(
        starts=merged(starts, new_starts),
        ends=merged(ends, new_ends),
        spaces=merged(spaces, False),
        orths=merged(orths, new_orths),
        token_base=np.concatenate([[0], np.cumsum(counts)]),
        char_base=char_base,
    )


# -- spans on tokens -------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where each span of a chunk lies in its tokens, and which spans are entities.

    `first`/`end` give the tokens a span covers, widened to whole tokens
    (spaCy's `char_span(alignment_mode="expand")`), as global token indices;
    `covered` is False for a span with no tokens at its offsets (then `first`
    and `end` mean nothing). `entity` marks the spans kept as entities by the
    rule of `common.place_spans`.
    """

    first: np.ndarray
    end: np.ndarray
    covered: np.ndarray
    strict: np.ndarray  # on token edges as it is
    entity: np.ndarray


def place(
    tokens: ChunkTokens,
    texts: Sequence[str],
    ids: Sequence[str],
    rows: Sequence[tuple],
    span_base: np.ndarray,
    report: FormatReport,
) -> Placement:
    """Place the spans `rows` (`batches.SpanRow`: start, end and label at 1, 2, 3), article
    k's being `rows[span_base[k]:span_base[k + 1]]`, on `tokens`; report what changed.

    Articles where no two spans overlap (nearly all) are placed in bulk; the
    others go through the overlap rule one span at a time.
    """
    n = len(rows)
    article = np.repeat(np.arange(len(texts)), np.diff(span_base))
    starts = np.fromiter(map(operator.itemgetter(1), rows), dtype=np.int64, count=n)
    ends = np.fromiter(map(operator.itemgetter(2), rows), dtype=np.int64, count=n)
    length = np.diff(tokens.char_base)[article]
    # spaCy's token_by_char: the token whose characters, trailing space included, hold it
    valid = (starts >= 0) & (starts < length) & (ends > starts) & (ends <= length)
    g_start = np.where(valid, starts + tokens.char_base[article], 0)
    g_last = np.where(valid, ends - 1 + tokens.char_base[article], 0)
    at_start = np.searchsorted(tokens.starts, g_start, side="right") - 1
    at_last = np.searchsorted(tokens.starts, g_last, side="right") - 1
    strict = valid & (tokens.starts[at_start] == g_start) & (tokens.ends[at_last] == g_last + 1)
    # expand: a span starting on a token's trailing space starts at the next token
    first = at_start + (tokens.ends[at_start] == g_start)
    end = at_last + 1
    covered = valid & (first < end)

    # Articles where two covered spans overlap need the rule; the others keep them all.
    candidates = np.nonzero(covered)[0]
    by_start = candidates[np.lexsort((end[candidates], first[candidates]))]
    reach = np.maximum.accumulate(end[by_start]) if len(by_start) else by_start
    clash = first[by_start[1:]] < reach[:-1]
    crowded = set(article[by_start[1:][clash]].tolist())
    entity = covered & ~np.isin(article, list(crowded))

    for k in range(len(texts)):
        a, b = span_base[k], span_base[k + 1]
        if a == b:
            continue
        if k in crowded:
            where = _Where(tokens, int(tokens.char_base[k]), texts[k])
            _by_the_rule(where, ids[k], rows, range(a, b), strict, first, end, covered, entity,
                         report)  # fmt: skip
            continue
        if covered[a:b].all() and strict[a:b].all():
            continue
        where = _Where(tokens, int(tokens.char_base[k]), texts[k])
        misaligned = [
            _issue(ids[k], texts[k], rows[i], "left out: no tokens at these offsets")
            if not covered[i]
            else _issue(
                ids[k], texts[k], rows[i], f"widened to whole tokens: {where(first[i], end[i])}"
            )
            for i in range(a, b)
            if not strict[i]
        ]
        report.misaligned.extend(sorted(misaligned, key=lambda i: (i.start, i.end)))
    return Placement(first, end, covered, strict, entity)


def _by_the_rule(
    where: _Where,
    article_id: str,
    rows: Sequence[tuple],
    indices: range,
    strict: np.ndarray,
    first: np.ndarray,
    end: np.ndarray,
    covered: np.ndarray,
    entity: np.ndarray,
    report: FormatReport,
) -> None:
    """The rule of `common.place_spans` for one article whose spans overlap; sets `entity`."""
    text = where.text
    misaligned: list[SpanIssue] = []
    overlapping: list[SpanIssue] = []
    for i in indices:
        entity[i] = False
        if not covered[i]:
            misaligned.append(
                _issue(article_id, text, rows[i], "left out: no tokens at these offsets")
            )
    aligned = [i for i in indices if strict[i]]
    widened = [i for i in indices if covered[i] and not strict[i]]

    def order(i: int) -> tuple[int, int, int]:
        return (-(rows[i][2] - rows[i][1]), rows[i][1], i)

    kept: list[int] = []
    taken: set[int] = set()
    for candidates in (aligned, widened):
        for i in sorted(candidates, key=order):
            span_tokens = range(int(first[i]), int(end[i]))
            if taken.isdisjoint(span_tokens):
                kept.append(i)
                entity[i] = True
                taken.update(span_tokens)
                if not strict[i]:
                    misaligned.append(
                        _issue(
                            article_id,
                            text,
                            rows[i],
                            f"widened to whole tokens: {where(first[i], end[i])}",
                        )
                    )
                continue
            winner = next(j for j in kept if first[j] < end[i] and first[i] < end[j])
            named = f"{rows[winner][3]} {where(first[winner], end[winner])}"
            if not strict[i]:
                resolution = (
                    f"left out: widened to {where(first[i], end[i])}, it would overlap {named}"
                )
                misaligned.append(_issue(article_id, text, rows[i], resolution))
            else:
                same = where.chars(first[winner], end[winner]) == where.chars(first[i], end[i])
                clash = "has the same characters as" if same else "overlaps"
                resolution = f"left out: {clash} {named} (kept: the longer span, then the earlier)"
                overlapping.append(_issue(article_id, text, rows[i], resolution))
    report.misaligned.extend(sorted(misaligned, key=lambda i: (i.start, i.end)))
    report.overlapping.extend(sorted(overlapping, key=lambda i: (i.start, i.end)))


@dataclass(frozen=True)
class _Where:
    """Tokens [first, end) of one article named as the reports name them: `10-18 'déminage'`."""

    tokens: ChunkTokens
    base: int  # the article's global offset
    text: str

    def chars(self, first: int, end: int) -> tuple[int, int]:
        return int(self.tokens.starts[first]) - self.base, int(
            self.tokens.ends[end - 1]
        ) - self.base

    def __call__(self, first: int, end: int) -> str:
        start, stop = self.chars(first, end)
        return f"{start}-{stop} {self.text[start:stop]!r}"


def _issue(article_id: str, text: str, row: tuple, resolution: str) -> SpanIssue:
    start, end, label = row[1], row[2], row[3]
    return SpanIssue(article_id, start, end, text[start:end], label, resolution)
