"""Rules that clean the model's entities before they become suggestions.

Each rule is measured on the seed gold (tests/core/test_preannotation.py):
- titles ("M.", "Mme", "président"...) are not part of a PER;
- a sentence-initial capitalised word that is a common French word, not a
  name ("Concernant", "Selon"), is not an entity;
- a FIGURE or DATE from the recognisers wins over a model entity on the same
  characters;
- no two suggestions of one label overlap.
- an entity never crosses a line break: it is cut to its longest line.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from spacy.lang.fr.stop_words import STOP_WORDS
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from annotator.core.records import Span

# Titles and functions that precede a name but are not part of it.
TITLES = frozenset(
    [
        "m.",
        "m",
        "mm.",
        "mme",
        "mmes",
        "mlle",
        "mlles",
        "dr",
        "pr",
        "me",
        "mgr",
        "monsieur",
        "madame",
        "mademoiselle",
        "messieurs",
        "docteur",
        "professeur",
        "maître",
        "président",
        "présidente",
        "ministre",
        "général",
        "générale",
        "colonel",
        "capitaine",
        "lieutenant",
        "commandant",
        "sergent",
        "caporal",
        "maréchal",
        "amiral",
        "juge",
        "porte-parole",
        "secrétaire",
        "directeur",
        "directrice",
        "chef",
        "cheikh",
        "émir",
        "roi",
        "reine",
        "prince",
        "princesse",
        "pape",
        "cardinal",
        "abbé",
        "père",
        "sœur",
        "frère",
        "saint",
        "sainte",
    ]
)
# Characters an entity should not start or end with.
_EDGE = re.compile(r"^[\s«»\"“”‘’'(),.;:!?—–-]+|[\s«»\"“”‘’'(),;:!?—–-]+$")


def model_entities(doc: Doc, common_words: Container[str]) -> list[Span]:
    """The model's entities in `doc`, cleaned; offsets are relative to `doc`."""
    spans = []
    for ent in doc.ents:
        if ent.label_ == "PER":
            ent = _without_title(ent)
            if ent is None:
                continue
        if _common_word_at_sentence_start(ent, common_words):
            continue
        span = _one_line(doc.text, ent.start_char, ent.end_char, ent.label_, common_words)
        if span is not None:
            spans.append(span)
    return spans


def merge(entities: Iterable[Span], recognized: Iterable[Span]) -> list[Span]:
    """Recognised FIGURE/DATE spans win over entities they overlap; no same-label overlaps."""
    recognized = list(recognized)
    kept = [e for e in entities if not any(_overlap(e, r) for r in recognized)]
    return _no_same_label_overlap(kept + recognized)


def _without_title(ent: SpacySpan) -> SpacySpan | None:
    start = ent.start
    while start < ent.end and ent.doc[start].lower_ in TITLES:
        start += 1
    if start == ent.end:
        return None
    return SpacySpan(ent.doc, start, ent.end, label=ent.label) if start != ent.start else ent


def _common_word_at_sentence_start(ent: SpacySpan, common_words: Container[str]) -> bool:
    if len(ent) != 1:
        return False
    token = ent[0]
    if not _starts_sentence(token):
        return False
    return _is_common(token.lower_, common_words)


def _is_common(lower: str, common_words: Container[str]) -> bool:
    return lower in STOP_WORDS or lower in common_words or lower.endswith("ment")


def _starts_sentence(token) -> bool:  # type: ignore[no-untyped-def]
    """First word of a sentence, a line, or a quotation."""
    if token.i == 0 or token.is_sent_start:
        return True
    before = token.nbor(-1)
    return "\n" in before.text or before.text in (".", "!", "?", "«", "—", "–", ":", "…")


def _one_line(
    text: str, start: int, end: int, label: str, common_words: Container[str]
) -> Span | None:
    """The entity cut to its longest line, without edge punctuation.

    A piece that is one common word opening a line ("Fouaa\nSimultanément")
    is not a candidate.
    """
    pieces = []
    for number, (line_start, piece) in enumerate(_lines(text, start, end)):
        span = _trimmed(text, line_start, line_start + len(piece), label)
        if span is None:
            continue
        word = text[span.start : span.end]
        if number > 0 and " " not in word and _is_common(word.lower(), common_words):
            continue
        pieces.append(span)
    return max(pieces, key=lambda s: s.end - s.start, default=None)


def _lines(text: str, start: int, end: int) -> list[tuple[int, str]]:
    out, position = [], start
    for piece in text[start:end].split("\n"):
        out.append((position, piece))
        position += len(piece) + 1
    return out


def _trimmed(text: str, start: int, end: int, label: str) -> Span | None:
    piece = text[start:end]
    match_start = _EDGE.match(piece)
    if match_start:
        start += match_start.end()
    piece = text[start:end]
    match_end = _EDGE.search(piece)
    if match_end and match_end.start() < len(piece):
        end = start + match_end.start()
    return Span(start, end, label) if end > start else None


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _no_same_label_overlap(spans: list[Span]) -> list[Span]:
    """Keep the longer span (then the earlier) where two of one label overlap."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(k.label == span.label and _overlap(k, span) for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end, s.label))
