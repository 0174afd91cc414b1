"""Exports for NLP tools: the spaCy DocBin, its split, and a real client.

Everything is real: a store file, the sample corpus imported as a user
would, the seed gold spans added as an annotator's work, real spaCy (and,
in the slow test, `spacy train` and `spacy evaluate` on an exported DocBin).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import spacy

from annotator.core.errors import AnnotatorError
from annotator.core.exporters.base import SpanIssue
from annotator.core.exporters.conll import export_conll
from annotator.core.exporters.prodigy_jsonl import export_prodigy
from annotator.core.exporters.spacy_docbin import export_spacy
from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import Store
from tests.core.exporters_corpus import ALICE, Corpus, find, gold_spans, keys, read_docbin
from tests.core.exporters_corpus import corpus as corpus  # a pytest fixture

# -- spaCy DocBin --------------------------------------------------------------


def test_docbin_reads_back_with_exactly_the_entities(corpus: Corpus, tmp_path: Path) -> None:
    for article_id in corpus.texts:  # finished: reviewed
        corpus.store.statuses.set(ALICE, article_id, Status.DONE)
    out = tmp_path / "spacy"
    report = export_spacy(corpus.store, out, source=ALICE, split=(1.0, 0.0, 0.0))

    assert report.files == [out / "train.spacy"]  # no file for an empty fraction
    assert sorted(p.name for p in out.iterdir()) == ["train.spacy"]
    assert report.articles == 3 and report.splits == {"train": 3}
    assert report.misaligned == [] and report.overlapping == []
    assert report.labels == Counter(s.label for v in corpus.spans.values() for s in v)
    tokenizer = spacy.load("fr_core_news_sm").tokenizer
    docs = read_docbin(out / "train.spacy")
    assert len(docs) == 3
    for doc in docs:
        data = doc.user_data["annotator"]
        article_id = data["id"]
        wanted = corpus.spans[article_id]
        assert doc.text == corpus.texts[article_id]
        assert [t.text for t in doc] == [t.text for t in tokenizer(doc.text)]
        assert {(e.start_char, e.end_char, e.label_) for e in doc.ents} == keys(wanted)
        assert len(doc.ents) == len(wanted)
        assert all(t.ent_iob_ in "BIO" and t.ent_iob_ for t in doc)  # no token left "missing"
        assert (data["source"], data["reviewed"], data["split"]) == (ALICE, True, "train")
        assert list(data["origins"]) == ["manual"] * len(wanted)  # msgpack gives tuples
        group = doc.spans["annotator"]
        assert [(s.start_char, s.end_char, s.label_) for s in group] == [
            (s.start, s.end, s.label) for s in wanted
        ]
        # FIGURE attributes survive, span by span, in the span group's order.
        assert [(s["start"], s["end"], s["attrs"]) for s in data["spans"]] == [
            (s.start, s.end, s.attrs) for s in wanted
        ]
    besancon = next(d for d in docs if d.user_data["annotator"]["id"] == corpus.besancon)
    assert "3,5\u00a0km" in [e.text for e in besancon.ents]


def test_misaligned_span_is_reported_and_kept_widened_never_dropped(
    corpus: Corpus, tmp_path: Path
) -> None:
    article_id = next(i for i, t in corpus.texts.items() if "déminage" in t)
    text = corpus.texts[article_id]
    at = find(text, "déminage")
    mid_word = Span(at + 1, at + len("déminage"), "MISC")  # "éminage": starts inside a word
    civils = find(text, "civils")  # inside the FIGURE "Plus de 13 000 civils"
    clashing = Span(civils + 1, civils + 6, "MISC")  # "ivils": widened, it hits the FIGURE
    for span in (mid_word, clashing):
        corpus.store.annotations.add(ALICE, article_id, span)

    out = tmp_path / "spacy"
    report = export_spacy(corpus.store, out, source=ALICE, split=(1.0, 0.0, 0.0))

    assert [(i.article, i.start, i.end, i.text, i.label) for i in report.misaligned] == [
        (article_id, civils + 1, civils + 6, "ivils", "MISC"),  # in text order
        (article_id, at + 1, at + 8, "éminage", "MISC"),
    ]
    left_out, widened = report.misaligned
    assert widened.resolution == f"widened to whole tokens: {at}-{at + 8} 'déminage'"
    assert left_out.resolution.startswith("left out: widened to")
    assert "FIGURE 0-21 'Plus de 13 000 civils'" in left_out.resolution
    doc = next(
        d for d in read_docbin(out / "train.spacy") if d.user_data["annotator"]["id"] == article_id
    )
    ents = {(e.start_char, e.end_char, e.label_) for e in doc.ents}
    assert ents == keys(corpus.spans[article_id]) | {(at, at + 8, "MISC")}
    # Nothing is lost: both spans are in the span group and, exact, in user_data.
    exact = {(s["start"], s["end"], s["label"]) for s in doc.user_data["annotator"]["spans"]}
    assert {(at + 1, at + 8, "MISC"), (civils + 1, civils + 6, "MISC")} <= exact
    group = {(s.start_char, s.end_char, s.label_) for s in doc.spans["annotator"]}
    assert {(at, at + 8, "MISC"), (civils, civils + 6, "MISC")} <= group

    # The token formats follow the same rule and report the same spans.
    for export, name in ((export_prodigy, "p.jsonl"), (export_conll, "c.conll")):
        other = export(corpus.store, tmp_path / name, source=ALICE)
        assert other.misaligned == report.misaligned
        assert other.labels == report.labels


def test_overlapping_spans_keep_the_longer_and_are_reported(corpus: Corpus, tmp_path: Path) -> None:
    article_id = next(i for i, t in corpus.texts.items() if t.startswith("Plus de 13 000"))
    text = corpus.texts[article_id]
    alep_est = find(text, "Alep-Est")
    assert (alep_est, alep_est + 8, "LOC") in keys(corpus.spans[article_id])
    alep = Span(alep_est, alep_est + 4, "LOC")
    corpus.store.annotations.add(ALICE, article_id, alep)

    report = export_spacy(corpus.store, tmp_path / "s", source=ALICE, split=(1.0, 0.0, 0.0))

    assert report.overlapping == [
        SpanIssue(
            article_id,
            alep_est,
            alep_est + 4,
            "Alep",
            "LOC",
            f"left out: overlaps LOC {alep_est}-{alep_est + 8} 'Alep-Est'"
            " (kept: the longer span, then the earlier)",
        )
    ]
    doc = next(
        d
        for d in read_docbin(tmp_path / "s" / "train.spacy")
        if d.user_data["annotator"]["id"] == article_id
    )
    assert (alep_est, alep_est + 4, "LOC") not in {
        (e.start_char, e.end_char, e.label_) for e in doc.ents
    }
    assert (alep_est, alep_est + 4, "LOC") in {
        (s.start_char, s.end_char, s.label_) for s in doc.spans["annotator"]
    }


# -- the split -------------------------------------------------------------------


def paragraph_corpus(store: Store, folder: Path, *, reverse: bool = False) -> dict[str, str]:
    """Each paragraph of the sample articles as an article, with the gold spans inside it."""
    gold = gold_spans()
    folder.mkdir(parents=True, exist_ok=True)
    files, spans_of = [], {}
    for text, spans in gold.items():
        position = 0
        for n, line in enumerate(text.split("\n")):
            start, position = position, position + len(line) + 1
            if len(line) < 40:
                continue
            path = folder / f"{len(files):02d}_{n}.txt"
            path.write_text(line, encoding="utf-8")
            files.append(path)
            spans_of[line] = [
                Span(s.start - start, s.end - start, s.label, s.attrs)
                for s in spans
                if start <= s.start and s.end <= start + len(line)
            ]
    report = import_paths(store, files[::-1] if reverse else files)
    assert report.ok
    ids = {}
    for article_id in store.articles.ids():
        text = store.articles.get(article_id).text
        ids[article_id] = text
        for span in spans_of[text]:
            store.annotations.add(ALICE, article_id, span)
    return ids


def split_ids(folder: Path) -> dict[str, set[str]]:
    return {
        path.stem: {d.user_data["annotator"]["id"] for d in read_docbin(path)}
        for path in sorted(folder.glob("*.spacy"))
    }


def test_split_is_by_article_deterministic_and_disjoint(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b.db") as b:
        articles = paragraph_corpus(a, tmp_path / "pa")
        assert paragraph_corpus(b, tmp_path / "pb", reverse=True) == articles
        assert a.articles.ids() != b.articles.ids()  # stored in another order
        assert len(articles) >= 20
        report = export_spacy(a, tmp_path / "a0", source=ALICE, seed=0)
        export_spacy(b, tmp_path / "b0", source=ALICE, seed=0)
        export_spacy(a, tmp_path / "a0bis", source=ALICE, seed=0)
        export_spacy(a, tmp_path / "a1", source=ALICE, seed=1)

    first = split_ids(tmp_path / "a0")
    assert set(first) == {"train", "dev", "test"}
    assert {k: len(v) for k, v in first.items()} == report.splits
    assert first == split_ids(tmp_path / "b0") == split_ids(tmp_path / "a0bis")
    assert split_ids(tmp_path / "a1") != first
    train, dev, test = first["train"], first["dev"], first["test"]
    assert not (train & dev) and not (train & test) and not (dev & test)
    assert train | dev | test == set(articles)
    assert len(train) > len(dev) and len(train) > len(test)


def test_a_split_must_be_three_fractions_adding_up_to_one(corpus: Corpus, tmp_path: Path) -> None:
    for split in ((0.8, 0.1), (0.8, 0.3, 0.1), (1.2, -0.1, -0.1)):
        with pytest.raises(AnnotatorError, match="add up to 1"):
            export_spacy(corpus.store, tmp_path / "s", source=ALICE, split=split)
    assert not (tmp_path / "s").exists()


# -- real client: spacy train and spacy evaluate on an exported DocBin ------------


@pytest.mark.slow
def test_spacy_trains_and_evaluates_on_an_exported_docbin(tmp_path: Path) -> None:
    with Store.open(tmp_path / "corpus.db") as store:
        paragraph_corpus(store, tmp_path / "paragraphs")
        report = export_spacy(store, tmp_path / "data", source=ALICE, split=(0.6, 0.2, 0.2), seed=0)
    assert all(report.splits[s] > 0 for s in ("train", "dev", "test")), report.splits
    data = tmp_path / "data"

    def spacy_cli(*args: str | Path) -> float:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "spacy", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return time.perf_counter() - started

    config = tmp_path / "config.cfg"
    timings = {
        "init config": spacy_cli(
            "init", "config", config, "--lang", "fr", "--pipeline", "ner", "--force"
        ),
        "train": spacy_cli(
            "train",
            config,
            "--output",
            tmp_path / "model",
            "--paths.train",
            data / "train.spacy",
            "--paths.dev",
            data / "dev.spacy",
            "--training.max_steps",
            "20",
            "--training.eval_frequency",
            "10",
        ),
        "evaluate": spacy_cli(
            "evaluate",
            tmp_path / "model" / "model-last",
            data / "test.spacy",
            "--output",
            tmp_path / "metrics.json",
        ),
    }
    print("spacy CLI seconds:", {k: round(v, 1) for k, v in timings.items()}, report.splits)
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    for key in ("ents_p", "ents_r", "ents_f"):
        assert isinstance(metrics[key], int | float), key
