"""All the agreement measures of a set of articles, in one report."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from annotator.core.agreement.attributes import AttributeAgreement, attribute_agreement
from annotator.core.agreement.coding import TokenAgreement, binary_agreement, coding_agreement
from annotator.core.agreement.columns import Corpus, build_corpus
from annotator.core.agreement.disagreements import Disagreements, disagreements
from annotator.core.agreement.inputs import AgreementInput
from annotator.core.agreement.spans import MODES, Mode, SpanScores, all_matches, pair_scores
from annotator.core.agreement.tokens import label_cover, token_labels
from annotator.core.agreement.unitizing import UnitizingAlpha, corpus_unitizing_alpha
from annotator.core.errors import AnnotatorError

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement of `annotators` over `articles`, overall, per label and per article.

    `spans[mode][(reference, prediction)]` holds span scores for every
    ordered pair; `figure_values[(a, b)]` the FIGURE value agreement of every
    ordered pair (symmetric; see `figure_value`); token coefficients are keyed
    by unordered pair (see `TokenAgreement.kappa`); u-alpha treats the corpus
    as one continuum.
    """

    annotators: tuple[str, ...]
    labels: tuple[str, ...]
    articles: tuple[str, ...]
    spans: dict[Mode, dict[Pair, SpanScores]]
    tokens: TokenAgreement
    tokens_by_label: dict[str, TokenAgreement]
    tokens_by_article: dict[str, TokenAgreement]
    unitizing: UnitizingAlpha
    unitizing_by_label: dict[str, UnitizingAlpha]
    disagreements: Disagreements
    figure_values: dict[Pair, AttributeAgreement]

    def span_scores(self, reference: str, prediction: str, mode: Mode = "strict") -> SpanScores:
        return self.spans[mode][(reference, prediction)]

    def figure_value(self, a: str, b: str) -> AttributeAgreement:
        """Of the FIGURE spans a and b both marked alike, how many have the same attributes."""
        return self.figure_values[(a, b)]

    def to_json(self) -> dict[str, Any]:
        """Plain dicts and lists (None for undefined values), ready for `json.dumps`."""
        names = self.annotators
        with collector_paused():
            return self._to_json(names)

    def _to_json(self, names: tuple[str, ...]) -> dict[str, Any]:
        return {
            "annotators": list(names),
            "labels": list(self.labels),
            "articles": list(self.articles),
            "spans": {mode: self._spans_json(mode) for mode in MODES},
            "figure_values": self._figure_values_json(),
            "tokens": {
                **self.tokens.to_json(names),
                "by_label": {k: v.to_json(names) for k, v in self.tokens_by_label.items()},
                "by_article": {k: v.to_json(names) for k, v in self.tokens_by_article.items()},
            },
            "unitizing": {
                **self.unitizing.to_json(),
                "by_label": {k: v.to_json() for k, v in self.unitizing_by_label.items()},
            },
            "disagreements": self.disagreements.to_json(),
        }

    def _figure_values_json(self) -> dict[str, Any]:
        """Matrices keyed [annotator][annotator] (symmetric, no diagonal), whole and per article."""
        micro: dict[str, dict[str, Any]] = {a: {} for a in self.annotators}
        by_article: dict[str, dict[str, dict[str, Any]]] = {
            article: {a: {} for a in self.annotators} for article in self.articles
        }
        for (a, b), values in self.figure_values.items():
            micro[a][b] = values.micro.to_json()
            for article, counts in values.by_article.items():
                by_article[article][a][b] = counts.to_json()
        return {"micro": micro, "by_article": by_article}

    def _spans_json(self, mode: Mode) -> dict[str, Any]:
        """Matrices keyed [reference][prediction], whole, per label, per article."""
        scores = self.spans[mode]

        def matrix(part: str, key: str | None) -> dict[str, dict[str, Any]]:
            out: dict[str, dict[str, Any]] = {a: {} for a in self.annotators}
            for (a, b), s in scores.items():
                counts = s.micro if key is None else getattr(s, part)[key]
                out[a][b] = counts.to_json()
            return out

        return {
            "micro": matrix("micro", None),
            "by_label": {label: matrix("by_label", label) for label in self.labels},
            "by_article": {article: matrix("by_article", article) for article in self.articles},
        }


def agreement(
    data: AgreementInput, annotators: Sequence[str] | None = None, label: str | None = None
) -> AgreementReport:
    """Every measure for `annotators` (default: all in the input) over the input's articles.

    With `label`, only that label's spans are compared: the others are as if
    nobody had marked them.
    """
    names = tuple(annotators) if annotators is not None else data.annotators
    if len(set(names)) != len(names):
        raise AnnotatorError(f"an annotator is named twice: {', '.join(names)}")
    with collector_paused():
        return _agreement(data, names, label)


def _agreement(data: AgreementInput, names: tuple[str, ...], label: str | None) -> AgreementReport:
    corpus = build_corpus(data, names, label)
    spans: dict[Mode, dict[Pair, SpanScores]] = {mode: {} for mode in MODES}
    figure_values: dict[Pair, AttributeAgreement] = {}
    for a, b in combinations(names, 2):
        matches = all_matches(corpus, a, b)
        for mode, scores in pair_scores(corpus, a, b, matches).items():
            spans[mode][(a, b)] = scores
            spans[mode][(b, a)] = scores.swapped()
        values = attribute_agreement(corpus, a, b, *matches["strict"])
        figure_values[(a, b)] = figure_values[(b, a)] = values
    codes = {name: token_labels(corpus, name) for name in names}
    tokens, tokens_by_article = coding_agreement(corpus, codes, len(corpus.labels) + 1)
    unitizing, unitizing_by_label = corpus_unitizing_alpha(corpus)
    return AgreementReport(
        annotators=names,
        labels=corpus.labels,
        articles=corpus.ids,
        spans=spans,
        tokens=tokens,
        tokens_by_label=_tokens_by_label(corpus),
        tokens_by_article=tokens_by_article,
        unitizing=unitizing,
        unitizing_by_label=unitizing_by_label,
        disagreements=disagreements(corpus),
        figure_values=figure_values,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a while.

    A report makes some 10⁵ small objects (10⁶ in JSON), none in a
    reference cycle, while the caller's input holds millions (token tuples,
    spans); every full collection the new objects trigger walks all of
    those: `to_json` of a 10k-article report took three times as long.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _tokens_by_label(corpus: Corpus) -> dict[str, TokenAgreement]:
    """Token agreement on one label at a time: that label or O, other labels unmarked."""
    names = corpus.annotators
    cover = {n: label_cover(corpus, n) for n in names}
    return {
        label: binary_agreement(names, {n: cover[n][k] for n in names})
        for k, label in enumerate(corpus.labels)
    }
