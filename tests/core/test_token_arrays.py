"""The DocBin export's arrays equal what spaCy's Docs give.

- `token_arrays.tokens_of` rebuilds the tokenizer's tokens (white space
  included) from the token cache, as `words_and_spaces` does.
- `token_arrays.place` places spans by the rule `place_spans` had when it
  was written on Docs (`reference_rule`, kept here as the oracle), with the
  same report.
- `spacy_ids` holds spaCy's own ids.
"""

from __future__ import annotations

import numpy as np
import spacy
import spacy.attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.strings import hash_string
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as TokenSpan

from annotator.core.exporters import spacy_ids
from annotator.core.exporters.base import FormatReport, SourcedArticle, SpanIssue
from annotator.core.exporters.common import Placed, origin_name, place_spans
from annotator.core.exporters.token_arrays import tokens_of
from annotator.core.records import Article, Span
from annotator.core.token_cache import doc_tokens
from tests.core.test_fast_export import PIECES

NLP = spacy.blank("fr")
LABELS = ["PER", "ORG", "LOC", "MISC", "FIGURE", "DATE", "GPE", "PERSON", "NORP"]


def cached(text: str) -> tuple[np.ndarray, np.ndarray]:
    offsets, orths = doc_tokens(NLP.make_doc(text))
    return np.frombuffer(offsets, "<i4").reshape(-1, 2), np.frombuffer(orths, "<u8")


texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=5))
def test_tokens_of_a_chunk_are_the_tokenizers(chunk: list[str]) -> None:
    tokens = tokens_of(chunk, [cached(t) for t in chunk])
    for k, text in enumerate(chunk):
        starts, ends, spaces, orths = tokens.local(k)
        expected = [(t.idx, t.idx + len(t.text), bool(t.whitespace_), t.orth) for t in NLP(text)]
        got = zip(starts.tolist(), ends.tolist(), spaces.tolist(), orths.tolist(), strict=True)
        assert list(got) == expected


@st.composite
def articles_with_spans(draw: st.DrawFn) -> SourcedArticle:
    """French-like text with spans anywhere: on token edges, inside tokens, on white
    space, overlapping, repeated, past the end."""
    text = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=16).map("".join))
    edges = st.integers(min_value=0, max_value=len(text) + 1)
    spans = []
    for start, end, label in draw(
        st.lists(st.tuples(edges, edges, st.sampled_from(["PER", "LOC", "FIGURE"])), max_size=8)
    ):
        if start < end:
            spans.append(Span(start, end, label))
    if spans and draw(st.booleans()):
        spans.append(draw(st.sampled_from(spans)))  # the same span twice
    article = Article("a1", None, text, "test", {}, "2026-11-22", 0, None)
    origins = draw(st.lists(st.sampled_from([None, "manual"]), min_size=len(spans),
                            max_size=len(spans)))  # fmt: skip
    return SourcedArticle(article, spans, {}, origins)


def placed_as_tuples(placed: list[Placed]) -> list[tuple]:
    return [(p.index, p.origin, p.tokens.start, p.tokens.end, p.tokens.label_, p.widened)
            for p in placed]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(articles_with_spans())
def test_placing_spans_on_arrays_follows_the_rule_written_on_docs(item: SourcedArticle) -> None:
    doc = NLP(item.article.text)
    ours, theirs = FormatReport(), FormatReport()
    expected = reference_rule(doc, item, theirs)
    # A span over white space alone widened to no token at all: the Doc rule kept an
    # empty entity (spaCy then refuses the Doc); the arrays leave it out and say so.
    empty = [p for p in expected if p.tokens.start == p.tokens.end]
    if empty:
        got = place_spans(doc, item, ours)
        assert all(p.tokens.start < p.tokens.end for p in got)
        assert any(i.resolution == "left out: no tokens at these offsets" for i in ours.misaligned)
        return
    assert placed_as_tuples(place_spans(doc, item, ours)) == placed_as_tuples(expected)
    assert ours.misaligned == theirs.misaligned
    assert ours.overlapping == theirs.overlapping


def test_spacy_ids_are_spacys() -> None:
    assert (spacy_ids.ORTH, spacy_ids.ENT_IOB, spacy_ids.ENT_TYPE, spacy_ids.SPACY) == (
        spacy.attrs.ORTH, spacy.attrs.ENT_IOB, spacy.attrs.ENT_TYPE, spacy.attrs.SPACY
    )  # fmt: skip
    assert DocBin().version == spacy_ids.DOCBIN_VERSION
    doc = Doc(NLP.vocab, words=["Paris", "est", "là"], ents=["B-LOC", "O", "O"])
    iob = doc.to_array([spacy.attrs.ENT_IOB]).tolist()
    assert iob == [spacy_ids.IOB_B, spacy_ids.IOB_O, spacy_ids.IOB_O]


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=40) | texts.filter(bool) | st.sampled_from(LABELS))
def test_string_ids_are_the_ids_of_spacys_string_store(text: str) -> None:
    """Symbols (LOC, PER, ...) have spaCy's symbol ids; other strings its hash."""
    assert spacy_ids.string_id(text) == NLP.vocab.strings.add(text)
    assert spacy_ids.hash_string(text) == hash_string(text)


# -- the oracle ------------------------------------------------------------------------


def reference_rule(doc: Doc, item: SourcedArticle, report: FormatReport) -> list[Placed]:
    """`common.place_spans` as it was written on Docs, before `token_arrays.place`."""
    aligned: list[Placed] = []
    widened: list[Placed] = []
    misaligned: list[SpanIssue] = []
    overlapping: list[SpanIssue] = []
    for index, (span, origin) in enumerate(zip(item.spans, item.origins, strict=True)):
        strict = doc.char_span(span.start, span.end, span.label, alignment_mode="strict")
        if strict is not None:
            aligned.append(Placed(index, span, origin_name(origin), strict, widened=False))
            continue
        wide = doc.char_span(span.start, span.end, span.label, alignment_mode="expand")
        if wide is None:  # offsets outside the text: nothing to widen to
            misaligned.append(_issue(item, span, "left out: no tokens at these offsets"))
        else:
            widened.append(Placed(index, span, origin_name(origin), wide, widened=True))

    def order(p: Placed) -> tuple[int, int, int]:
        return (-(p.span.end - p.span.start), p.span.start, p.index)

    kept: list[Placed] = []
    taken = bytearray(len(doc))
    for candidates in (aligned, widened):
        for placed in sorted(candidates, key=order):
            t = placed.tokens
            if not any(taken[t.start : t.end]):
                kept.append(placed)
                taken[t.start : t.end] = b"\x01" * (t.end - t.start)
                if placed.widened:
                    misaligned.append(
                        _issue(item, placed.span, f"widened to whole tokens: {_where(t)}")
                    )
                continue
            winner = next(
                k.tokens for k in kept if k.tokens.start < t.end and t.start < k.tokens.end
            )
            if placed.widened:
                misaligned.append(
                    _issue(
                        item,
                        placed.span,
                        f"left out: widened to {_where(t)}, it would overlap {_named(winner)}",
                    )
                )
            else:
                same = (winner.start_char, winner.end_char) == (t.start_char, t.end_char)
                clash = "has the same characters as" if same else "overlaps"
                overlapping.append(
                    _issue(
                        item,
                        placed.span,
                        f"left out: {clash} {_named(winner)}"
                        " (kept: the longer span, then the earlier)",
                    )
                )
    kept.sort(key=lambda p: p.tokens.start)
    report.misaligned.extend(sorted(misaligned, key=lambda i: (i.start, i.end)))
    report.overlapping.extend(sorted(overlapping, key=lambda i: (i.start, i.end)))
    return kept


def _issue(item: SourcedArticle, span: Span, resolution: str) -> SpanIssue:
    text = item.article.text[span.start : span.end]
    return SpanIssue(item.article.id, span.start, span.end, text, span.label, resolution)


def _where(tokens: TokenSpan) -> str:
    return f"{tokens.start_char}-{tokens.end_char} {tokens.text!r}"


def _named(tokens: TokenSpan) -> str:
    return f"{tokens.label_} {_where(tokens)}"
