"""An article of over a million characters goes through the whole app (issue #13, case 10).

spaCy refuses a text over `nlp.max_length` (1,000,000 characters, error
E088) in `nlp(...)`, `nlp.pipe` and `make_doc`, a limit for a parser's
memory: the import accepted such articles (up to 5 million characters), then
the token exports and the figures CSV failed on them every time. Now
pre-annotation runs them in pieces, and exports tokenise with the tokenizer
alone: every step succeeds, offsets exact.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.commands import annotator
from tests.core.long_articles import long_article

CITY = "Marseille"


def run(*args: str) -> subprocess.CompletedProcess:
    done = annotator(*args, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done


@pytest.mark.slow
def test_an_article_of_1_2_million_characters_is_preannotated_and_exported(
    tmp_path: Path,
) -> None:
    text = long_article(200_000)
    assert len(text) > 1_200_000
    cities = [(m.start(), m.end()) for m in re.finditer(CITY, text)]
    spans = [{"start": s, "end": e, "label": "LOC"} for s, e in cities]
    figure = re.search(r"\d+ millions d’euros", text)
    assert figure is not None and len(cities) > 50
    spans.append({"start": figure.start(), "end": figure.end(), "label": "FIGURE"})
    source = tmp_path / "long.jsonl"
    source.write_text(json.dumps({"text": text, "spans": spans}, ensure_ascii=False), "utf-8")
    db = str(tmp_path / "corpus.db")

    run("import", str(source), "--format", "jsonl", "--annotator", "alice", "--db", db)
    done = run("preannotate", "--model", "fr_core_news_sm", "--db", db)
    assert "Pre-annotated 1 article(s)" in done.stdout

    out = tmp_path / "out"
    for fmt, name in (("spacy", "spacy"), ("conll", "conll"), ("csv", "figures.csv")):
        run("export", "--format", fmt, "--source", "alice", "--out", str(out / name), "--db", db)
    sugg = ["--source", "suggestions", "--status", "all", "--out", str(out / "sugg")]
    run("export", "--format", "spacy", *sugg, "--db", db)

    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("fr")

    def docs(folder: Path) -> list:  # the one article is in one of the splits
        bins = [DocBin().from_disk(f) for f in sorted(folder.glob("*.spacy"))]
        return [doc for docbin in bins for doc in docbin.get_docs(nlp.vocab)]

    (doc,) = docs(out / "spacy")
    assert doc.text == text
    assert [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "LOC"] == cities
    (suggested,) = docs(out / "sugg")
    assert suggested.text == text and len(suggested.ents) > 1000
    conll = (out / "conll").read_text("utf-8").splitlines()
    assert [line.split()[0] for line in conll if line.endswith(" B-LOC")] == [CITY] * len(cities)
    with (out / "figures.csv").open(encoding="utf-8", newline="") as stream:
        (row,) = csv.DictReader(stream)
    assert (int(row["start"]), int(row["end"])) == figure.span()
    assert row["text"] == figure.group()
