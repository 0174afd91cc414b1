"""Long articles run in pieces: offsets stay exact, runs stop between pieces and resume."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.preannotation.pieces import pieces
from annotator.core.preannotation.pipeline import Pipeline, Suggester
from annotator.core.preannotation.run import pending_count, preannotate
from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id
from annotator.core.token_cache import doc_tokens
from tests.core.long_articles import long_article, real_articles


@given(
    st.text(alphabet=st.sampled_from("ab é.!\n «»😀"), max_size=400),
    st.integers(min_value=1, max_value=60),
)
def test_pieces_cover_the_text_in_order_and_in_bounds(text: str, max_chars: int) -> None:
    cut = list(pieces(text, max_chars))
    assert "".join(piece for _, piece in cut) == text
    position = 0
    for offset, piece in cut:
        assert offset == position and text[offset : offset + len(piece)] == piece
        assert len(piece) <= max_chars
        position += len(piece)
    assert all(piece for _, piece in cut[:-1])  # no empty piece but a lone empty text


def test_pieces_break_at_line_breaks_then_sentences() -> None:
    text = "Première ligne.\nDeuxième phrase. Troisième phrase sans fin de ligne"
    cut = [piece for _, piece in pieces(text, 20)]
    assert cut[0] == "Première ligne.\n"
    assert cut[1] == "Deuxième phrase. "


def test_a_long_article_in_pieces_gives_the_whole_article_spans(pipeline: Pipeline) -> None:
    text = long_article(6_000)[:40_000]
    suggester = Suggester(pipeline)
    whole = suggester.spans(text)
    results = list(suggester.stream_articles([("long", text)], max_chars=3_000, batch_size=2))
    # Control comes back after every piece; the last result is the article.
    assert len(results) == len(list(pieces(text, 3_000))) > 10
    assert results[:-1] == [None] * (len(results) - 1)
    done = results[-1]
    assert done is not None and done.article_id == "long"
    for span in done.spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end].strip() == text[span.start : span.end]
    bounds = [offset for offset, _ in pieces(text, 3_000)][1:]

    def away(spans: list) -> set:  # type: ignore[type-arg]
        return {
            (s.start, s.end, s.label, json.dumps(s.attrs, sort_keys=True))
            for s in spans
            if all(abs(s.start - b) > 200 and abs(s.end - b) > 200 for b in bounds)
        }

    assert len(away(whole)) > 300
    assert away(done.spans) == away(whole)
    # The tokens kept for the exports are the whole article's.
    assert done.tokens == doc_tokens(pipeline.nlp.make_doc(text))


def test_a_run_stopped_inside_a_long_article_keeps_whole_articles_and_resumes(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    short = real_articles()[0]
    long = long_article(5_000)
    with Store.open(tmp_path / "stopped.db") as store:
        store.articles.add(
            [NewArticle(article_id(t), None, t, "t", {}, len(t.split())) for t in (short, long)]
        )
        assert pending_count(store) == 2
        polls = iter(range(1_000))
        stopped = preannotate(
            store, pipeline=pipeline, max_chars=2_000, cancelled=lambda: next(polls) >= 3
        )
        assert stopped.cancelled and stopped.articles == 1  # the short one, whole
        assert pending_count(store) == 1
        rows = store.db.execute(
            "SELECT article_id, count(*) FROM suggestions GROUP BY article_id"
        ).fetchall()
        assert [r[0] for r in rows] == [article_id(short)]  # nothing of the long one
        resumed = preannotate(store, pipeline=pipeline, max_chars=2_000)
        assert (resumed.articles, resumed.already_done) == (1, 1)
        assert pending_count(store) == 0
        stored = [s.span for s in store.suggestions.for_article(article_id(long))]
    full = list(Suggester(pipeline).stream_articles([("x", long)], max_chars=2_000))[-1]
    assert full is not None

    def order(spans: list) -> list:  # type: ignore[type-arg]
        return sorted(spans, key=lambda s: (s.start, s.end, s.label))

    assert order(stored) == order(full.spans) != []
