"""The Prodigy export, written from arrays as text, is what `json.dumps` writes for the
task built from spaCy's Doc (the export as it was written first, kept here as the
reference), with the same report."""

from __future__ import annotations

import json
from typing import Any

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from annotator.core.exporters.base import FormatReport, SourcedArticle, SourcedRows
from annotator.core.exporters.common import place_spans
from annotator.core.exporters.prodigy_jsonl import REVIEWED, prodigy_lines, stable_hash
from annotator.core.records import Article, Span
from tests.core.test_fast_export import PIECES
from tests.core.test_token_arrays import cached

NLP = spacy.blank("fr")
# What JSON escapes, besides the white space of PIECES: quotes, backslashes, controls.
ESCAPED = ['"', "\\", '\\"', "\x01", "\x7f", "l'«\u00a0x\u00a0»"]
ATTRS = ["{}", '{"value": 71000, "qualifier": "exact", "unit": "€"}', '{"unit": "\\"m\\""}']


def reference_line(doc: Doc, item: SourcedArticle, report: FormatReport, answer: str | None) -> str:
    """The task of one article from its Doc, as the export first wrote it."""
    article = item.article
    tokens = [
        {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
         "ws": bool(t.whitespace_)}
        for t in doc
    ]  # fmt: skip
    spans = []
    for placed in place_spans(doc, item, report):
        t = placed.tokens
        record: dict[str, Any] = {
            "start": t.start_char, "end": t.end_char, "token_start": t.start,
            "token_end": t.end - 1, "label": placed.span.label, "text": t.text,
            "origin": placed.origin,
        }  # fmt: skip
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
    task: dict[str, Any] = {"text": article.text, "tokens": tokens, "spans": spans, "meta": meta,
                            "source": item.provenance}  # fmt: skip
    if answer is not None:
        task["answer"] = answer
    task["_input_hash"] = input_hash
    task["_task_hash"] = task_hash
    return json.dumps(task, ensure_ascii=False) + "\n"


@st.composite
def article_rows(draw: st.DrawFn, key: int) -> SourcedRows:
    """An article with spans anywhere: on token edges, inside tokens, on white space,
    overlapping, repeated, past the end; FIGURE attributes on some."""
    pieces = st.sampled_from(PIECES) | st.sampled_from(ESCAPED)
    text = draw(st.lists(pieces, min_size=1, max_size=16).map("".join))
    edges = st.integers(min_value=0, max_value=len(text) + 1)
    spans = draw(
        st.lists(
            st.tuples(edges, edges, st.sampled_from(["PER", "LOC", "FIGURE", "É\"t"]),
                      st.sampled_from(ATTRS), st.sampled_from([None, "manual", "gold:majority"])),
            max_size=8,
        )
    )  # fmt: skip
    article_id = f"a{key}"
    rows = sorted(((article_id, *s) for s in spans if s[0] < s[1]), key=lambda r: r[1])
    if rows and draw(st.booleans()):
        rows.append(rows[-1])  # the same span twice
    title = draw(st.sampled_from([None, "", "Le «\u00a0titre\u00a0»"]))
    meta = draw(st.sampled_from([{}, {"url": "https://x.fr/é", "id": "theirs"}]))
    article = Article(article_id, title, text, "dépêche.txt", meta, "2026-11-22", 0, None)
    provenance = {"source": "alice", "reviewed": draw(st.booleans()), "status": "done"}
    return SourcedRows(article, provenance, rows)


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(*[article_rows(k) for k in range(n)])),
       st.sampled_from(["accept", None, REVIEWED]))  # fmt: skip
def test_prodigy_lines_from_arrays_are_json_dumps_of_the_docs_tasks(
    chunk: tuple[SourcedRows, ...], answer: str | None
) -> None:
    ours, theirs = FormatReport(), FormatReport()
    lines = prodigy_lines(chunk, {i.article.id: cached(i.article.text) for i in chunk}, ours,
                          answer)  # fmt: skip
    expected = [
        reference_line(NLP(i.article.text), i.sourced(), theirs,
                       ("accept" if i.provenance["reviewed"] else None) if answer == REVIEWED
                       else answer)
        for i in chunk
    ]  # fmt: skip
    assert lines == expected
    assert ours.labels == theirs.labels
    assert ours.misaligned == theirs.misaligned
    assert ours.overlapping == theirs.overlapping


def test_a_span_of_the_reference_is_what_its_tokens_cover() -> None:
    """The reference itself on a known article: the oracle is not vacuous."""
    text = "Le président Macron a reçu 3\u202f000 maires."
    article = Article("a1", None, text, "t.txt", {}, "2026-11-22", 0, None)
    spans = [Span(13, 19, "PER"), Span(27, 39, "FIGURE"), Span(14, 19, "LOC")]
    item = SourcedArticle(article, spans, {}, [None, "manual", None])
    report = FormatReport()
    task = json.loads(reference_line(NLP(text), item, report, "accept"))
    assert [(s["text"], s["token_start"], s["token_end"], s["origin"]) for s in task["spans"]] == [
        ("Macron", 2, 2, "suggestion"),
        ("3\u202f000 maires", 5, 8, "manual"),
    ]
    assert [(i.text, i.resolution) for i in report.misaligned] == [
        ("acron", "left out: widened to 13-19 'Macron', it would overlap PER 13-19 'Macron'")
    ]
