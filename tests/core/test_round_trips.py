"""Export then import gives back the same spans, in every format that reads back.

Texts carry accents, no-break spaces, emoji and CRLF line ends; spans are
adjacent as often as not. Spans sit on spaCy token edges and do not overlap,
the shape CoNLL and Prodigy can carry.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.exporters.formats import EXPORTERS
from annotator.core.importing import import_paths
from annotator.core.records import Span
from annotator.core.store import Store

WORDS = [
    "Élysée",
    "Noël",
    "maïs",
    "côte",
    "d’Ivoire",
    "13\u00a0346",
    "7,1",
    "😀",
    "Saint-Étienne",
    "où",
    "ça",
    "garçon",
    "L’œuvre",
    "«",
    "»",
    "€",
    "Müller",
    "naïve",
    "x",
    "Zoé",
]
LABELS = ["PER", "ORG", "LOC", "MISC", "FIGURE", "DATE"]
NLP = spacy.blank("fr")
FORMATS = {"jsonl": "jsonl", "prodigy": "prodigy", "brat": "brat", "conll": "conll"}


@st.composite
def articles(draw):  # type: ignore[no-untyped-def]
    """(raw text with CRLF, spans on token edges with offsets into the raw text)."""
    lines = draw(
        st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=4)
    )
    text = "\r\n".join(" ".join(line) for line in lines) + draw(st.sampled_from(["", "\r\n"]))
    clean = text.replace("\r\n", "\n")
    tokens = [(t.idx, t.idx + len(t.text)) for t in NLP(clean) if not t.is_space]
    spans, i = [], 0
    while i < len(tokens):
        if draw(st.booleans()):
            width = draw(st.integers(1, 3))
            last = min(i + width, len(tokens)) - 1
            if "\n" not in clean[tokens[i][0] : tokens[last][1]]:
                spans.append(Span(tokens[i][0], tokens[last][1], draw(st.sampled_from(LABELS))))
                i = last + 1
                continue
        i += 1

    # Back to raw offsets: each earlier "\n" was "\r\n".
    def raw(position: int) -> int:
        return position + clean.count("\n", 0, position)

    return text, [Span(raw(s.start), raw(s.end), s.label) for s in spans]


def spans_in(store: Store, annotator: str) -> tuple[str, list[tuple[str, str]], list[tuple]]:
    (article_id,) = store.articles.ids()
    text = store.articles.get(article_id).text
    found = store.annotations.for_article(article_id, annotator)
    by_text = [(text[a.span.start : a.span.end], a.span.label) for a in found]
    return text, by_text, [(a.span.start, a.span.end, a.span.label) for a in found]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article=articles())
def test_export_then_import_gives_back_the_same_spans(fmt: str, article) -> None:  # type: ignore[no-untyped-def]
    raw_text, raw_spans = article
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "in.jsonl"
        record = {
            "text": raw_text,
            "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in raw_spans],
        }
        source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        with Store.open(tmp_path / "a.db") as a:
            report = import_paths(a, [source], annotator="alice")
            assert report.ok, report.problems
            text_a, by_text_a, exact_a = spans_in(a, "alice")
            assert "\r" not in text_a
            assert [t for t, _ in by_text_a] == [
                raw_text[s.start : s.end] for s in sorted(raw_spans, key=lambda s: s.start)
            ]
            out = tmp_path / ("out" if fmt == "brat" else f"out.{fmt}")
            EXPORTERS[fmt](a, out, source="alice", status="all")
        with Store.open(tmp_path / "b.db") as b:
            report = import_paths(b, [out], format=fmt, annotator="bob")
            assert report.ok, report.problems
            text_b, by_text_b, exact_b = spans_in(b, "bob")
        if fmt == "conll":  # CoNLL keeps tokens, not the spacing between them
            assert [("".join(t.split()), lb) for t, lb in by_text_b] == [
                ("".join(t.split()), lb) for t, lb in by_text_a
            ]
        else:
            assert text_b == text_a
            assert exact_b == exact_a
