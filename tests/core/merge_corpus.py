"""A laptop database of many articles with alice's finished work, made in seconds.

Used by the merge tests of short transactions and kill -9 (issue #13, case
12) and by benchmarks/bench_merge.py: French sentences numbered so every
article has its own text (its own id), imported as alice's annotated JSONL.
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.importing import import_paths
from annotator.core.store import Store

SENTENCES = (
    "Le conseil municipal de Lyon a voté le budget de la commune numéro {n}.",
    "Selon la préfecture du Rhône, {n} personnes ont manifesté samedi place Bellecour.",
    "Le maire a reçu les représentants de la SNCF pour la ligne {n}.",
)


def text_of(n: int, sentences: int = 12) -> str:
    return " ".join(SENTENCES[k % 3].format(n=n * 100 + k) for k in range(sentences))


def record(n: int) -> dict:
    text = text_of(n)
    spans = []
    for word, label in (("Lyon", "LOC"), ("Rhône", "LOC"), ("SNCF", "ORG")):
        at = text.index(word)
        spans.append({"start": at, "end": at + len(word), "label": label})
    return {"text": text, "title": f"Article {n}", "spans": spans}


def big_laptop(path: Path, articles: int) -> Path:
    """`path`: `articles` articles, each with alice's three spans, marked done."""
    source = path.with_suffix(".jsonl")
    with source.open("w", encoding="utf-8") as out:
        for n in range(articles):
            out.write(json.dumps(record(n), ensure_ascii=False) + "\n")
    with Store.open(path) as store:
        report = import_paths(store, [source], annotator="alice")
        assert len(report.added) == articles, report.problems[:3]
    source.unlink()
    return path
