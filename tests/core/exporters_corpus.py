"""Shared by the export tests: the sample corpus imported as a user would, with the seed
gold and an article full of what trips offsets up as an annotator's work."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.importing import import_paths
from annotator.core.records import Origin, Span
from annotator.core.store import Store
from tests.conftest import CORPUS, SEED_GOLD

ALICE = "alice"
Key = tuple[int, int, str]

# An article with what trips offsets up: accents, emoji (one and two code
# points), a narrow no-break space and a no-break space inside figures.
BESANCON = (
    "Besançon : près de 2\u202f000 manifestants 😀\n"
    "À Besançon, près de 2\u202f000 manifestants 🇫🇷 ont défilé samedi derrière la CGT, "
    "selon la préfecture du Doubs.\n"
    "Le cortège a parcouru 3,5\u00a0km jusqu’à l’hôtel de ville de Besançon."
)
PRES_DE = {"value": 2000, "qualifier": "approx", "unit": "manifestants"}
BESANCON_SPANS = [
    # (text, occurrence, label, attrs)
    ("Besançon", 0, "LOC", {}),
    ("près de 2\u202f000 manifestants", 0, "FIGURE", PRES_DE),
    ("Besançon", 1, "LOC", {}),
    ("près de 2\u202f000 manifestants", 1, "FIGURE", PRES_DE),
    ("samedi", 0, "DATE", {}),
    ("CGT", 0, "ORG", {}),
    ("Doubs", 0, "LOC", {}),
    ("3,5\u00a0km", 0, "FIGURE", {"value": 3.5, "qualifier": "exact", "unit": "km"}),
    ("Besançon", 2, "LOC", {}),
]


def find(text: str, needle: str, occurrence: int = 0) -> int:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return at


def gold_spans() -> dict[str, list[Span]]:
    """The seed gold, by article text."""
    gold = {}
    for line in SEED_GOLD.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        gold[record["text"]] = [
            Span(s["start"], s["end"], s["label"], s.get("attrs", {})) for s in record["spans"]
        ]
    return gold


@dataclass
class Corpus:
    store: Store
    texts: dict[str, str]  # article id -> text
    spans: dict[str, list[Span]]  # article id -> alice's spans, all on token edges
    besancon: str  # the id of the article with emoji and no-break spaces


@pytest.fixture
def corpus(store: Store, tmp_path: Path) -> Corpus:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "besancon.txt").write_text(BESANCON, encoding="utf-8")
    report = import_paths(store, [CORPUS, extra])
    assert report.ok and len(report.added) == 3
    gold = gold_spans()
    texts, spans = {}, {}
    for article_id in store.articles.ids():
        text = store.articles.get(article_id).text
        texts[article_id] = text
        if text == BESANCON:
            besancon = article_id
            wanted = []
            for needle, occurrence, label, attrs in BESANCON_SPANS:
                start = find(text, needle, occurrence)
                wanted.append(Span(start, start + len(needle), label, attrs))
        else:
            wanted = gold[text]  # the stored text is the gold's text, offsets and all
        for span in wanted:
            store.annotations.add(ALICE, article_id, span, Origin.MANUAL)
        spans[article_id] = wanted
    return Corpus(store, texts, spans, besancon)


def keys(spans: list[Span]) -> set[Key]:
    return {(s.start, s.end, s.label) for s in spans}


def read_docbin(path: Path) -> list:
    nlp = spacy.blank("fr")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))
