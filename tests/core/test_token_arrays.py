"""The DocBin export's arrays equal what spaCy's Docs give.

- `token_arrays.tokens_of` rebuilds the tokenizer's tokens (white space
  included) from the token cache, as `words_and_spaces` does.
- `token_arrays.place` places spans by the rule of `common.place_spans`,
  written on Docs, with the same report.
- `spacy_ids` holds spaCy's own ids.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import spacy
import spacy.attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.strings import hash_string
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as TokenSpan

from annotator.core.errors import AnnotatorError
from annotator.core.exporters import chunks, spacy_ids
from annotator.core.exporters.base import FormatReport, SourcedArticle, sourced_articles
from annotator.core.exporters.common import Placed, origin_name, place_spans, read_ahead
from annotator.core.exporters.spacy_docbin import export_spacy
from annotator.core.exporters.token_arrays import ChunkTokens, place, tokens_of
from annotator.core.importing import import_paths
from annotator.core.records import Article, Origin, Span
from annotator.core.store import Store
from annotator.core.token_cache import doc_tokens
from tests.conftest import CORPUS
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
    expected = place_spans(doc, item, theirs)
    assert all(p.tokens.start < p.tokens.end for p in expected)  # never an empty entity
    assert placed_as_tuples(arrays_rule(doc, item, ours)) == placed_as_tuples(expected)
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


# -- the arrays' rule on one Doc ------------------------------------------------------


def doc_chunk(doc: Doc) -> ChunkTokens:
    """The tokens of one Doc as a chunk of one article."""
    table = doc.to_array(["IDX", "LENGTH", "SPACY", "ORTH"]).reshape(-1, 4)
    starts = table[:, 0].astype(np.int64)
    return ChunkTokens(
        starts=starts,
        ends=starts + table[:, 1].astype(np.int64),
        spaces=table[:, 2].astype(bool),
        orths=table[:, 3].astype(np.uint64),
        token_base=np.array([0, len(doc)]),
        char_base=np.array([0, len(doc.text)]),
    )


def arrays_rule(doc: Doc, item: SourcedArticle, report: FormatReport) -> list[Placed]:
    """`token_arrays.place` on one article, its result as `place_spans` gives it."""
    rows = [
        (item.article.id, s.start, s.end, s.label, "", o)
        for s, o in zip(item.spans, item.origins, strict=True)
    ]
    placement = place(
        doc_chunk(doc), [doc.text], [item.article.id], rows, np.array([0, len(rows)]), report
    )
    kept = [
        Placed(
            i,
            item.spans[i],
            origin_name(item.origins[i]),
            TokenSpan(doc, int(placement.first[i]), int(placement.end[i]), label=rows[i][3]),
            widened=not placement.strict[i],
        )
        for i in np.nonzero(placement.entity)[0].tolist()
    ]
    kept.sort(key=lambda p: p.tokens.start)
    return kept


# -- the DocBin export, end to end ---------------------------------------------------------


def annotated_store(store: Store) -> list[str]:
    """The sample articles with spans of every kind: on token edges, inside tokens,
    overlapping, the same twice, a FIGURE with its value."""
    import_paths(store, [CORPUS])
    ids = store.articles.ids()
    for article_id in ids:
        text = store.articles.get(article_id).text
        words = [m.span() for m in re.finditer(r"\w+", text)]
        spans = [Span(a, b, "LOC") for a, b in words[:40:3]]
        spans += [Span(words[5][0] + 1, words[6][1], "PER")]  # starts inside a token
        spans += [Span(words[10][0], words[12][1], "ORG"), Span(words[11][0], words[11][1], "MISC")]
        spans += [Span(words[20][0], words[20][1], "FIGURE", {"value": 2.5})] * 2
        for span in spans:
            store.annotations.add("alice", article_id, span, Origin.MANUAL)
    return ids


def docbin_contents(folder: Path) -> list[tuple]:
    out = []
    for name in ("train", "dev", "test"):
        if not (folder / f"{name}.spacy").exists():
            continue
        for doc in DocBin().from_disk(folder / f"{name}.spacy").get_docs(NLP.vocab):
            out.append((
                name,
                [(t.text, t.whitespace_, t.ent_iob_, t.ent_type_) for t in doc],
                [(s.start, s.end, s.label_, s.start_char, s.end_char)
                 for s in doc.spans["annotator"]],
                doc.user_data,
            ))  # fmt: skip
    return out


def test_the_docbin_export_holds_the_tokenizers_docs_with_the_placed_spans(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = annotated_store(store)
    report = export_spacy(store, tmp_path / "one", source="alice", split=(0.5, 0.5, 0))
    assert report.misaligned and report.overlapping  # the rule had work to do
    contents = docbin_contents(tmp_path / "one")
    assert len(contents) == len(ids)
    for _, tokens, group, data in contents:
        article_id = data["annotator"]["id"]
        item = next(i for i in sourced_articles(store, "alice") if i.article.id == article_id)
        doc = NLP(item.article.text)
        placed = place_spans(doc, item, FormatReport())
        doc.ents = [p.tokens for p in placed]
        assert tokens == [(t.text, t.whitespace_, t.ent_iob_, t.ent_type_) for t in doc]
        wide = [doc.char_span(s.start, s.end, s.label, alignment_mode="expand") for s in item.spans]
        assert group == [(w.start, w.end, w.label_, w.start_char, w.end_char) for w in wide]
        assert [s["start"] for s in data["annotator"]["spans"]] == [s.start for s in item.spans]
        assert {"value": 2.5} in [s["attrs"] for s in data["annotator"]["spans"]]

    # A chunk of one article, and a token cache without ORTH ids (kept before they
    # were), give the same files.
    monkeypatch.setattr(chunks, "TOKEN_CHUNK", 1)
    store.db.execute("UPDATE article_tokens SET orths = NULL")
    export_spacy(store, tmp_path / "two", source="alice", split=(0.5, 0.5, 0))
    assert docbin_contents(tmp_path / "two") == contents
    assert store.db.execute(
        "SELECT count(*) FROM article_tokens WHERE orths IS NULL"
    ).fetchone() == (0,)


def test_reading_ahead_hands_over_the_producers_error_and_stops_it_when_left() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise AnnotatorError("no source 'bob'")

    with pytest.raises(AnnotatorError, match="bob"):
        list(read_ahead(failing))
    made: list[int] = []

    def endless() -> Iterator[int]:
        for i in itertools.count():
            made.append(i)
            yield i

    for i in read_ahead(endless, depth=2):
        if i == 3:
            break
    assert len(made) <= 3 + 2 + 2  # stopped a few items ahead, not running on
