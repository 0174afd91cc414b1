"""Scoring a model or an annotator against gold (or another annotator).

Span precision, recall and F1 per label, strict and lenient, come from the
same matching as agreement (`agreement.spans`: one-to-one, strict = same
characters and label, lenient = same label and overlapping). Added here: how
often a FIGURE's `value` is right when its span is, and a label confusion
table over the reference spans. Strict numbers equal spaCy's own scorer on
token-aligned spans (tests/core/test_evaluation.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.core.agreement import AgreementInput, ArticleInput
from annotator.core.agreement.columns import build_corpus
from annotator.core.agreement.spans import MODES, SpanScores, pair_scores
from annotator.core.errors import AnnotatorError
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import Span
from annotator.core.store import Store

REFERENCE, PREDICTED = "reference", "predicted"
MISSED = "(missed)"  # a reference span nothing predicted overlaps
_NO_TOKENS = np.zeros((0, 2), dtype=np.int64)  # span scores need no tokens


@dataclass
class EvaluationReport:
    predicted: str
    reference: str
    articles: int
    scores: dict[str, SpanScores]  # by mode: strict, lenient
    values_right: int = 0  # FIGUREs with the right span whose value is right too
    values_compared: int = 0
    confusion: dict[str, Counter[str]] = field(default_factory=dict)  # reference -> predicted

    @property
    def value_accuracy(self) -> float | None:
        return self.values_right / self.values_compared if self.values_compared else None

    def to_json(self) -> dict[str, Any]:
        return {
            "predicted": self.predicted,
            "reference": self.reference,
            "articles": self.articles,
            **{
                mode: {
                    "micro": s.micro.to_json(),
                    "by_label": {k: v.to_json() for k, v in s.by_label.items()},
                }
                for mode, s in self.scores.items()
            },
            "figure_value_accuracy": {
                "right": self.values_right,
                "compared": self.values_compared,
                "accuracy": self.value_accuracy,
            },
            "confusion": {k: dict(v) for k, v in self.confusion.items()},
        }


def reference_articles(store: Store, reference: str) -> list[str]:
    """Articles that have the reference: adjudicated gold, or an annotator's done work."""
    if reference == "gold":
        return store.gold.article_ids("adjudicated")
    if reference not in {a.name for a in store.annotators.list()}:
        raise AnnotatorError(f"no reference {reference!r}: use 'gold' or an annotator's name")
    done = set(store.articles_done_by(reference))
    return [i for i in store.articles.ids() if i in done]


def spans_of(store: Store, source: str, ids: Sequence[str]) -> dict[str, list[Span]]:
    if source == "gold":
        return {i: [g.span for g in store.gold.for_article(i)] for i in ids}
    if source == "suggestions":
        return {i: [s.span for s in store.suggestions.for_article(i)] for i in ids}
    if source not in {a.name for a in store.annotators.list()}:
        raise AnnotatorError(
            f"no source {source!r}: use 'suggestions', 'gold' or an annotator's name"
        )
    return {i: spans[source] for i, spans in store.spans_by_article(ids, [source]).items()}


def model_spans(
    store: Store,
    model: str,
    ids: Sequence[str],
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> dict[str, list[Span]]:
    """Run the suggestion pipeline of `model` now, without storing anything."""
    from annotator.core.preannotation.pipeline import Suggester, load

    suggester = Suggester(load(model))
    out: dict[str, list[Span]] = {}
    texts = (text for _, text in store.articles.texts(ids))
    for done, (article_id, spans) in enumerate(zip(ids, suggester.stream(texts), strict=False), 1):
        out[article_id] = spans
        if progress is not None:
            progress(Progress(done, len(ids), "articles", f"running {model}"))
        if cancelled is not None and cancelled():
            break
    return out


def evaluate(
    store: Store,
    *,
    source: str = "suggestions",
    model: str | None = None,
    against: str = "gold",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> EvaluationReport:
    """Score `source`'s spans (or a model run now) against `against` over its articles."""
    ids = reference_articles(store, against)
    if not ids:
        what = "adjudicated gold" if against == "gold" else f"articles done by {against}"
        raise AnnotatorError(f"nothing to evaluate against: no {what}")
    reference = spans_of(store, against, ids)
    if model is not None:
        predicted, name = model_spans(store, model, ids, progress, cancelled), f"model {model}"
        ids = [i for i in ids if i in predicted]
    else:
        predicted, name = spans_of(store, source, ids), source
    return score(reference, predicted, dict(store.articles.texts(ids)), name, against)


def score(
    reference: dict[str, list[Span]],
    predicted: dict[str, list[Span]],
    texts: dict[str, str],
    predicted_name: str = PREDICTED,
    reference_name: str = REFERENCE,
) -> EvaluationReport:
    """The scores of `predicted` against `reference`, article by article (pure)."""
    articles = tuple(
        ArticleInput(i, texts[i], _NO_TOKENS, {REFERENCE: reference[i], PREDICTED: predicted[i]})
        for i in texts
    )
    corpus = build_corpus(AgreementInput(articles), (REFERENCE, PREDICTED))
    scores = pair_scores(corpus, REFERENCE, PREDICTED)
    report = EvaluationReport(
        predicted_name, reference_name, len(articles), {mode: scores[mode] for mode in MODES}
    )
    for i in texts:
        _compare(reference[i], predicted[i], report)
    return report


def _compare(reference: list[Span], predicted: list[Span], report: EvaluationReport) -> None:
    exact = {(s.start, s.end): s for s in predicted}
    for ref in reference:
        found = exact.get((ref.start, ref.end))
        if found is None:  # the predicted span overlapping it most, if any
            overlaps = [p for p in predicted if p.start < ref.end and ref.start < p.end]
            found = max(
                overlaps, key=lambda p: min(p.end, ref.end) - max(p.start, ref.start), default=None
            )
        report.confusion.setdefault(ref.label, Counter())[found.label if found else MISSED] += 1
        if (
            ref.label == "FIGURE"
            and found is not None
            and found.label == "FIGURE"
            and ((found.start, found.end) == (ref.start, ref.end) and "value" in ref.attrs)
        ):
            report.values_compared += 1
            value = found.attrs.get("value")
            if isinstance(value, int | float) and math.isclose(value, ref.attrs["value"]):
                report.values_right += 1
