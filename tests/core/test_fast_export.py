"""What makes the exports fast must not change what they write.

- Docs rebuilt from cached token offsets equal the tokenizer's own Docs.
- `DocBinWriter` writes the file spaCy's `DocBin` writes for the same Docs.
- Reading sources a chunk at a time gives what reading article by article gives.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from pathlib import Path

import numpy as np
import pytest
import spacy
import srsly
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, DocBin

from annotator.core.exporters import base
from annotator.core.exporters.docbin_writer import (
    SPAN_BIN,
    SPAN_RECORD,
    DocBinWriter,
    _Compressed,
    adler32_combine,
    one_group_bytes,
)
from annotator.core.exporters.spacy_docbin import ATTRS
from annotator.core.exporters.user_data import UserData
from annotator.core.importing import import_paths
from annotator.core.preannotation.pipeline import Pipeline
from annotator.core.preannotation.run import preannotate
from annotator.core.records import Article, Origin, Span, Status
from annotator.core.store import Store, batches
from annotator.core.store.gold import GoldCandidate
from annotator.core.token_cache import Tokenizer, tokenizer_name, words_and_spaces
from tests.conftest import CORPUS

NLP = spacy.blank("fr")

# Pieces of French news text, with every kind of white space an article holds.
PIECES = [
    "Le", "président", "l'État", "aujourd’hui", "M.", "2,5", "%", "3\u202f000", "€", ".",
    ",", "«", "»", "😀", "🇫🇷", "Besançon", "(AFP)", " ", " ", " ", "  ", "\n", "\n\n",
    "\r\n", "\t", "\u00a0", "\u202f", " \n ", "\u2028",
]  # fmt: skip


def offsets_of(doc: Doc) -> np.ndarray:
    """What the token cache keeps: (start, end) of every token but white space."""
    pairs = [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
    return np.array(pairs, dtype="<i4").reshape(-1, 2)


def orths_of(doc: Doc) -> np.ndarray:
    """The ORTH ids of the tokens but white space, as the cache keeps them."""
    return np.array([t.orth for t in doc if not t.is_space], dtype="<u8")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_words_and_spaces_rebuild_the_tokenizers_doc(pieces: list[str]) -> None:
    text = "".join(pieces)
    doc = NLP.make_doc(text)
    words, spaces = words_and_spaces(text, offsets_of(doc))
    assert words == [t.text for t in doc]
    assert spaces == [bool(t.whitespace_) for t in doc]
    assert Doc(NLP.vocab, words=words, spaces=spaces).text == text


def test_words_and_spaces_on_the_sample_articles() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = NLP.make_doc(text)
        words, spaces = words_and_spaces(text, offsets_of(doc))
        assert (words, spaces) == ([t.text for t in doc], [bool(t.whitespace_) for t in doc])


def annotated_docs() -> list[tuple[Doc, list[str], dict]]:
    """Docs with entities, a span group holding an overlap, and user data."""
    out = []
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    texts.append("Près de 2\u202f000 manifestants 😀 à Besançon,\n\nselon la CGT.")
    for n, text in enumerate(texts):
        doc = NLP.make_doc(text)
        words = [t.text for t in doc]
        ents = [doc[i : i + 2] for i in range(0, len(doc) - 2, 7) if not doc[i].is_space]
        doc.ents = [spacy.tokens.Span(doc, e.start, e.end, label="LOC") for e in ents]
        group = [spacy.tokens.Span(doc, e.start, e.end, label=e.label_) for e in doc.ents]
        group.append(spacy.tokens.Span(doc, 0, 3, label="FIGURE"))  # overlaps an entity
        user_data = {"annotator": {"id": f"a{n}", "spans": [{"start": 0, "attrs": {"v": 2.5}}]}}
        doc.spans["annotator"] = group
        doc.user_data.update(user_data)
        out.append((doc, words, user_data))
    return out


def read(path: Path) -> list[Doc]:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("fr").vocab))


def as_arrays(writer: DocBinWriter, doc: Doc, words: list[str], user_data: dict) -> tuple:
    """What the DocBin export hands the writer for `doc`."""
    group = doc.spans["annotator"]
    records = np.zeros(len(group), SPAN_RECORD)
    records["bin"] = SPAN_BIN
    for field, values in (("label", [s.label for s in group]), ("start", [s.start for s in group]),
                          ("end", [s.end for s in group]),
                          ("start_char", [s.start_char for s in group]),
                          ("end_char", [s.end_char for s in group])):  # fmt: skip
        records[field] = values
    strings = set(words) | {s.label_ for s in group}
    return (
        doc.to_array(writer.attrs),
        doc.to_array("SPACY").astype(bool),
        [len(doc)],
        strings,
        [one_group_bytes(writer.packer, "annotator", records)],
        [srsly.msgpack_dumps(user_data)],
    )


def test_docbin_writer_writes_what_docbin_writes(tmp_path: Path) -> None:
    docs = annotated_docs()
    theirs = DocBin(attrs=list(ATTRS), store_user_data=True)
    writer = DocBinWriter(tmp_path / "ours.spacy", ATTRS)
    for doc, words, user_data in docs:
        theirs.add(doc)
        writer.add_arrays(*as_arrays(writer, doc, words, user_data))
    theirs.to_disk(tmp_path / "theirs.spacy")
    writer.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.spacy", "theirs.spacy"]

    ours_bin = DocBin().from_disk(tmp_path / "ours.spacy")
    theirs_bin = DocBin().from_disk(tmp_path / "theirs.spacy")
    assert ours_bin.attrs == theirs_bin.attrs
    # DocBin also keeps each token's lower-case norm, which NORM (not written) would need
    needed = {t.text for doc, _, _ in docs for t in doc} | {"LOC", "FIGURE"}
    assert needed <= ours_bin.strings
    for ours, theirs_doc in zip(read(tmp_path / "ours.spacy"), read(tmp_path / "theirs.spacy"),
                                strict=True):  # fmt: skip
        assert [(t.text, t.whitespace_) for t in ours] == [
            (t.text, t.whitespace_) for t in theirs_doc
        ]
        assert [(e.start, e.end, e.label_) for e in ours.ents] == [
            (e.start, e.end, e.label_) for e in theirs_doc.ents
        ]
        assert [(s.start, s.end, s.label_) for s in ours.spans["annotator"]] == [
            (s.start, s.end, s.label_) for s in theirs_doc.spans["annotator"]
        ]
        assert ours.user_data == theirs_doc.user_data
    assert len(read(tmp_path / "ours.spacy")) == len(docs)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.binary(max_size=3000), st.integers(0, 3))
def test_compressed_pieces_make_one_zlib_stream(first: bytes, second: bytes, repeat: int) -> None:
    """The writer's file is pieces deflated apart; zlib reads them as one stream."""
    second = second * (70_000 * repeat // max(len(second), 1) + 1)  # past Adler-32's modulus
    whole = zlib.adler32(first + second)
    assert adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == whole
    out = io.BytesIO()
    stream = _Compressed(out)
    stream.write(first)
    stream.write(second)
    stream.finish()
    assert zlib.decompress(out.getvalue()) == first + second


def test_an_empty_docbin_writer_writes_an_empty_docbin(tmp_path: Path) -> None:
    DocBinWriter(tmp_path / "empty.spacy", ATTRS).close()
    assert read(tmp_path / "empty.spacy") == []


# -- reading a chunk at a time -------------------------------------------------


def one_by_one(store: Store, source: str, status: str) -> list[tuple]:
    """The sourced articles as the per-article readers give them."""
    out = []
    ids = store.gold.article_ids() if source == "gold" else store.articles.ids()
    for article_id in ids:
        article = store.articles.get(article_id)
        if source == "suggestions":
            newest = store.suggestions.newest_set(article_id)
            if newest is None:
                continue
            spans = [s.span for s in store.suggestions.for_article(article_id)]
            origins: list = [None] * len(spans)
        elif source == "gold":
            gold = store.gold.for_article(article_id)
            spans, origins = [g.span for g in gold], [f"gold:{g.rule}" for g in gold]
        else:
            if status != "all" and store.statuses.get(article_id, source).status != status:
                continue
            annotations = store.annotations.for_article(article_id, source)
            spans, origins = [a.span for a in annotations], [a.origin.value for a in annotations]
        out.append((article, spans, origins))
    return out


@pytest.mark.parametrize("chunk", [1, 2, 500])
def test_reading_by_chunks_gives_what_reading_one_by_one_gives(
    store: Store, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    report = import_paths(store, [CORPUS])
    ids = store.articles.ids()
    assert report.ok and len(ids) == 2
    first, second = ids
    words = [m.span() for m in re.finditer(r"\w+", store.articles.get(first).text)]
    (a, b), (c, d) = words[3], words[0]
    spans = [Span(a, b, "MISC"), Span(c, d, "FIGURE", {"value": 2.5}), Span(c, d, "LOC")]
    for span in spans:
        store.annotations.add("alice", first, span, Origin.MANUAL)
    store.statuses.set("alice", first, Status.DONE)
    e, f = re.search(r"\w+", store.articles.get(second).text).span()  # type: ignore[union-attr]
    store.annotations.add("alice", second, Span(e, f, "ORG"), Origin.MANUAL)
    model = store.suggestions.set_for("fr_core_news_md", "3.8.0", "1")
    store.suggestions.add(model.id, {first: spans[:2]})
    newer = store.suggestions.set_for("fr_core_news_md", "3.8.1", "1")
    store.suggestions.add(newer.id, {second: spans[2:]})
    store.gold.take("lead", second, [GoldCandidate(Span(e, f, "ORG"), ("alice",), "manual")])
    store.gold.set_status("lead", second, "adjudicated")

    monkeypatch.setattr(batches, "CHUNK", chunk)
    for source, status in [("alice", "all"), ("alice", "done"), ("suggestions", "all"),
                           ("gold", "all")]:  # fmt: skip
        read = [
            (item.article, item.spans, item.origins)
            for item in base.sourced_articles(store, source, status=status)
        ]
        assert read == one_by_one(store, source, status), (source, status)
        assert read, source  # each source has something to read


# -- tokens kept from pre-annotation ---------------------------------------------


def test_preannotation_keeps_the_tokens_the_exports_would_make(
    store: Store, pipeline: Pipeline
) -> None:
    """fr_core_news_md tokenizes as spacy.blank("fr") does, so its tokens fill the cache."""
    import_paths(store, [CORPUS])
    ids = store.articles.ids()
    assert store.articles.token_offsets(ids, tokenizer_name()) == {}
    preannotate(store, pipeline=pipeline)
    cached = store.articles.tokens(ids, tokenizer_name())
    assert set(cached) == set(ids)
    for article_id in ids:
        fresh = NLP.make_doc(store.articles.get(article_id).text)
        assert cached[article_id] == (offsets_of(fresh).tobytes(), orths_of(fresh).tobytes())


def test_tokenizing_in_worker_processes_gives_the_same_offsets() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))] * 3
    texts += ["", "  \n", "Près de 2\u202f000 manifestants 😀 à Besançon,\n\nselon la CGT. "]
    with Tokenizer(processes=1) as serial:
        expected = serial.tokens(texts)
    with Tokenizer(processes=2) as parallel:
        parallel.PARALLEL_FROM = 2  # this small batch goes to the workers too
        assert parallel.tokens(texts) == expected
        assert parallel._pool is not None  # it did
    assert expected == [
        (offsets_of(doc).tobytes(), orths_of(doc).tobytes()) for doc in map(NLP.make_doc, texts)
    ]


# -- user data packed from pieces ------------------------------------------------------


def user_data_as_dicts(item: base.SourcedRows, split_name: str) -> dict:
    """The user data as plain dicts, the way it was written before it was packed by pieces."""
    spans = [
        {
            "start": start,
            "end": end,
            "label": label,
            "attrs": json.loads(attrs),
            "origin": "suggestion" if origin is None else origin,
        }
        for _, start, end, label, attrs, origin in item.rows
    ]
    return {
        "annotator": {
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


offsets = st.integers(0, 70_000) | st.integers(0, 300)
span_rows = st.tuples(
    st.just("a1"),
    offsets,
    offsets,
    st.sampled_from(["PER", "FIGURE", "Étiquette"]),
    st.sampled_from(["{}", '{"value": 2.5}', '{"value": 71000, "unit": "€"}', '{"q": "environ"}']),
    st.sampled_from([None, "manual", "gold:majority"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(span_rows, max_size=40), st.sampled_from([None, "Le titre"]), st.booleans())
def test_user_data_packed_by_pieces_is_what_msgpack_writes(
    rows: list, title: str | None, reviewed: bool
) -> None:
    article = Article("a1", title, "texte", "file.txt", {}, "2026-11-22", 1, None)
    provenance = {"source": "alice", "reviewed": reviewed, "status": "done"}
    item = base.SourcedRows(article, provenance, rows)
    packer = UserData()
    for _ in range(2):  # the second time from remembered pieces
        packed = packer.packed(item, "train", packer.spans(rows))
        assert packed == srsly.msgpack_dumps(user_data_as_dicts(item, "train"))
