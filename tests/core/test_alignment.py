"""The window's "off token bounds" test is the exports' strict placement rule."""

from __future__ import annotations

import spacy

from annotator.core import alignment
from annotator.core.tokens import TokenBounds, spacy_tokenizer

TEXT = (
    "Le ministère a présenté le réseau de transport urbain (RTU).Puis le maire "
    "d’Alep-Est a parlé : 13 346 civils, 71.000 frappes, l’ONU s’inquiète.\n"
    "Vendredi 16 décembre, 1,5 milliard d’euros."
)


def test_on_token_bounds_is_spacys_strict_char_span_on_the_same_tokens() -> None:
    nlp = spacy.blank("fr")
    doc = nlp(TEXT)
    tokens = TokenBounds(TEXT, spacy_tokenizer(nlp))
    edges = [i for i, c in enumerate(TEXT) if not c.isspace()]
    checked = 0
    for start in edges:
        for end in range(start + 1, min(start + 40, len(TEXT)) + 1):
            if TEXT[end - 1].isspace():
                continue  # spans never end on white space (the editor trims it)
            strict = doc.char_span(start, end, alignment_mode="strict") is not None
            assert alignment.on_token_bounds(tokens, start, end) == strict, TEXT[start:end]
            if not strict:
                wide = doc.char_span(start, end, alignment_mode="expand")
                assert alignment.widened(tokens, start, end) == (wide.start_char, wide.end_char)
            checked += 1
    assert checked > 4000


def test_the_note_names_what_the_exports_make_of_the_span() -> None:
    tokens = TokenBounds(TEXT, spacy_tokenizer(spacy.blank("fr")))
    start = TEXT.index("RTU")
    assert alignment.note(tokens, TEXT, start, start + 3) == (
        "«RTU» is not on token bounds: the spaCy, Prodigy and CoNLL exports widen it"
        " to «RTU).Puis»."
    )
    start = TEXT.index("13 346 civils")
    assert alignment.note(tokens, TEXT, start, start + len("13 346 civils")) is None
