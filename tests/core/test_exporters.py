"""Exports for NLP tools: spaCy DocBin, Prodigy, CoNLL, brat, figures CSV.

Everything is real: a store file, the sample corpus imported as a user
would, the seed gold spans added as an annotator's work, real spaCy (and,
in the slow test, `spacy train` and `spacy evaluate` on an exported DocBin).
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.errors import AnnotatorError
from annotator.core.exporters.base import SpanIssue
from annotator.core.exporters.brat import export_brat
from annotator.core.exporters.conll import DOCSTART, export_conll
from annotator.core.exporters.figures_csv import COLUMNS, export_figures_csv
from annotator.core.exporters.formats import EXPORTERS, FOLDER_FORMATS
from annotator.core.exporters.prodigy_jsonl import export_prodigy
from annotator.core.exporters.spacy_docbin import export_spacy
from annotator.core.importing import import_paths
from annotator.core.records import Origin, Span, Status
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


# -- spaCy DocBin --------------------------------------------------------------


def test_docbin_reads_back_with_exactly_the_entities(corpus: Corpus, tmp_path: Path) -> None:
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


# -- Prodigy -------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_prodigy_tokens_and_spans_are_consistent(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "prodigy.jsonl"
    report = export_prodigy(corpus.store, out, source=ALICE)
    tasks = read_jsonl(out)

    assert report.articles == len(tasks) == 3 and report.files == [out]
    for task in tasks:
        text, tokens = task["text"], task["tokens"]
        article_id = task["meta"]["id"]
        assert text == corpus.texts[article_id]
        assert [t["id"] for t in tokens] == list(range(len(tokens)))
        for token, after in zip(tokens, [*tokens[1:], None], strict=True):
            assert text[token["start"] : token["end"]] == token["text"]
            if after is not None:
                assert after["start"] == token["end"] + (1 if token["ws"] else 0)
        assert tokens[-1]["end"] == len(text)
        wanted = {(s.start, s.end, s.label): s for s in corpus.spans[article_id]}
        assert {(s["start"], s["end"], s["label"]) for s in task["spans"]} == set(wanted)
        for span in task["spans"]:
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]  # token_end is inclusive
            assert text[span["start"] : span["end"]] == span["text"]
            assert span["origin"] == "manual"
            attrs = wanted[(span["start"], span["end"], span["label"])].attrs
            assert span.get("attrs", {}) == attrs
            if span["label"] == "FIGURE":
                assert "value" in span["attrs"]
        assert task["answer"] == "accept"
        assert task["source"]["source"] == ALICE and task["source"]["reviewed"] is True
        assert task["meta"]["source"].endswith(".txt")
        for key in ("_input_hash", "_task_hash"):
            assert isinstance(task[key], int) and -(2**31) <= task[key] < 2**31

    # Stable: the same export gives the same hashes.
    again = read_jsonl(
        export_prodigy(corpus.store, tmp_path / "again.jsonl", source=ALICE).files[0]
    )
    assert [(t["_input_hash"], t["_task_hash"]) for t in again] == [
        (t["_input_hash"], t["_task_hash"]) for t in tasks
    ]


def test_prodigy_says_how_each_span_came_about(corpus: Corpus, tmp_path: Path) -> None:
    store = corpus.store
    article_id = corpus.besancon
    machine = [corpus.spans[article_id][0], corpus.spans[article_id][5]]  # Besançon, CGT
    suggestion_set = store.suggestions.set_for("fr_core_news_md", "3.8.0", "1.0.0")
    store.suggestions.add(suggestion_set.id, {article_id: machine})
    suggestions = store.suggestions.for_article(article_id)
    store.annotations.accept("bob", suggestions[0])
    edited = store.annotations.accept("bob", suggestions[1])
    store.annotations.update(edited.id, label="MISC")
    store.annotations.add("bob", article_id, corpus.spans[article_id][4])  # samedi

    bob = read_jsonl(export_prodigy(store, tmp_path / "bob.jsonl", source="bob").files[0])
    machine_tasks = read_jsonl(  # no answer: tasks to correct, not answers
        export_prodigy(store, tmp_path / "s.jsonl", source="suggestions").files[0]
    )

    [task] = [t for t in bob if t["meta"]["id"] == article_id]
    assert [(s["text"], s["label"], s["origin"]) for s in task["spans"]] == [
        ("Besançon", "LOC", "accepted"),
        ("samedi", "DATE", "manual"),
        ("CGT", "MISC", "edited"),
    ]
    [suggested] = machine_tasks
    assert [s["origin"] for s in suggested["spans"]] == ["suggestion", "suggestion"]
    assert "answer" not in suggested and suggested["source"]["reviewed"] is False
    alice = next(
        t
        for t in read_jsonl(export_prodigy(store, tmp_path / "a.jsonl", source=ALICE).files[0])
        if t["meta"]["id"] == article_id
    )
    assert alice["_input_hash"] == task["_input_hash"] == suggested["_input_hash"]
    assert len({alice["_task_hash"], task["_task_hash"], suggested["_task_hash"]}) == 3


# -- CoNLL ---------------------------------------------------------------------------


def conll_spans(text: str, lines: list[str]) -> set[Key]:
    """Spans rebuilt from `TOKEN -X- _ TAG` lines by finding each token in the text."""
    spans: list[list] = []
    position = 0
    for line in lines:
        if not line:
            continue
        token, pos, chunk, tag = line.split(" ")
        assert (pos, chunk) == ("-X-", "_")
        start = text.index(token, position)
        assert not text[position:start].strip(), f"token {token!r} skipped text"
        position = start + len(token)
        if tag.startswith("B-"):
            spans.append([start, position, tag[2:]])
        elif tag.startswith("I-"):
            assert spans and spans[-1][2] == tag[2:], f"I- without B-: {line!r}"
            spans[-1][1] = position
        else:
            assert tag == "O"
    return {(s, e, label) for s, e, label in spans}


def test_conll_tags_round_trip_to_the_same_spans(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "ner.conll"
    report = export_conll(corpus.store, out, source=ALICE)
    content = out.read_text(encoding="utf-8")
    articles = content.split(DOCSTART + "\n\n")
    assert articles[0] == "" and len(articles) == 4 == report.articles + 1

    for article_id, block in zip(corpus.store.articles.ids(), articles[1:], strict=True):
        text = corpus.texts[article_id]
        sentences = block.rstrip("\n").split("\n\n")
        assert all(s.strip() for s in sentences)
        # Sentences break at line breaks: at least one sentence a line.
        assert len(sentences) >= len([line for line in text.split("\n") if line.strip()])
        for sentence in sentences:
            for line in sentence.split("\n"):
                assert len(line.split(" ")) == 4, line
            first_tag = sentence.split("\n")[0].split(" ")[-1]
            assert not first_tag.startswith("I-")  # no span cut by a sentence boundary
        assert conll_spans(text, block.split("\n")) == keys(corpus.spans[article_id])

    # spaCy's own CoNLL reader takes the file: one Doc an article, the same entities.
    from spacy.training.converters import conll_ner_to_docs

    docs = list(conll_ner_to_docs(content, n_sents=10_000, no_print=True))
    assert len(docs) == 3
    wanted = [
        (s.label, corpus.texts[i][s.start : s.end])
        for i in corpus.store.articles.ids()
        for s in sorted(corpus.spans[i], key=lambda s: s.start)
    ]
    got = [(e.label_, e.text) for d in docs for e in d.ents]
    assert [label for label, _ in got] == [label for label, _ in wanted]
    assert [t.replace(" ", "") for _, t in got] == ["".join(t.split()) for _, t in wanted]


# -- brat ----------------------------------------------------------------------------


def read_ann(path: Path) -> tuple[dict, dict, dict]:
    entities, attributes, notes = {}, {}, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, kind, covered = line.split("\t")
            label, where = kind.split(" ", 1)
            fragments = [tuple(int(x) for x in f.split(" ")) for f in where.split(";")]
            entities[tid] = (label, fragments, covered)
        elif line.startswith("A"):
            _, body = line.split("\t")
            name, tid, value = body.split(" ")
            attributes[tid] = (name, value)
        elif line.startswith("#"):
            _, body, note = line.split("\t")
            kind, tid = body.split(" ")
            assert kind == "AnnotatorNotes"
            notes[tid] = json.loads(note)
    return entities, attributes, notes


def test_brat_offsets_point_at_the_right_text(corpus: Corpus, tmp_path: Path) -> None:
    store = corpus.store
    text = corpus.texts[corpus.besancon]
    across = Span(find(text, "manifestants 😀"), find(text, "À Besançon") + 1, "MISC")
    store.annotations.add(ALICE, corpus.besancon, across)  # a span across a line break
    out = tmp_path / "brat"
    report = export_brat(store, out, source=ALICE)

    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"{i}.{ext}" for i in corpus.texts for ext in ("txt", "ann")] + ["annotation.conf"]
    )
    assert sorted(report.files) == sorted(out / n for n in names)
    for article_id, text in corpus.texts.items():
        assert (out / f"{article_id}.txt").read_bytes() == text.encode("utf-8")
        entities, attributes, notes = read_ann(out / f"{article_id}.ann")
        wanted = {
            (s.start, s.end, s.label): s
            for s in store.annotations.for_article(article_id, ALICE)
            for s in [s.span]
        }
        found = set()
        for tid, (label, fragments, covered) in entities.items():
            assert covered == " ".join(text[s:e] for s, e in fragments)
            key = (fragments[0][0], fragments[-1][1], label)
            found.add(key)
            attrs = wanted[key].attrs
            assert notes.get(tid, {}) == attrs
            if label == "FIGURE":
                assert attributes[tid] == ("Qualifier", attrs["qualifier"])
        assert found == set(wanted)

    entities, _, notes = read_ann(out / f"{corpus.besancon}.ann")
    by_text = {covered: (label, fragments) for label, fragments, covered in entities.values()}
    assert by_text["3,5\u00a0km"][1] == [(find(text, "3,5"), find(text, "3,5") + 6)]
    assert "près de 2\u202f000 manifestants" in by_text  # after an emoji of two code points
    assert by_text["manifestants 😀 À"] == (
        "MISC",
        [(across.start, across.end - 2), (across.end - 1, across.end)],
    )
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    sections = {}
    for line in conf.splitlines():
        if line.startswith("["):
            current = sections.setdefault(line, [])
        elif line and not line.startswith("#"):
            current.append(line)
    assert set(sections["[entities]"]) >= {"PER", "ORG", "LOC", "MISC", "FIGURE", "DATE"}
    [qualifier] = sections["[attributes]"]
    assert qualifier.startswith("Qualifier\tArg:FIGURE, Value:")
    assert {"approx", "exact", "more_than", "range"} <= set(qualifier.split(":")[-1].split("|"))


def test_a_folder_export_replaces_its_files_in_an_existing_folder(
    corpus: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "brat"
    out.mkdir()
    (out / "README").write_text("mine", encoding="utf-8")
    export_brat(corpus.store, out, source=ALICE)
    corpus.store.annotations.add(ALICE, corpus.besancon, Span(0, 3, "MISC"))  # "Bes": any offsets
    report = export_brat(corpus.store, out, source=ALICE)
    assert (out / "README").read_text(encoding="utf-8") == "mine"
    assert "MISC 0 3\tBes" in (out / f"{corpus.besancon}.ann").read_text(encoding="utf-8")
    assert report.misaligned == []  # brat needs no tokens
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(AnnotatorError, match="is a file"):
        export_brat(corpus.store, out / "README", source=ALICE)


# -- figures CSV ---------------------------------------------------------------------


def test_figures_csv_has_every_figure_with_its_value(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    report = export_figures_csv(corpus.store, out, source=ALICE)
    with out.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)

    figures = {
        (i, s.start, s.end): s
        for i, spans in corpus.spans.items()
        for s in spans
        if s.label == "FIGURE"
    }
    assert len(rows) == len(figures) == report.labels["FIGURE"] == 33
    assert {(r["article"], int(r["start"]), int(r["end"])) for r in rows} == set(figures)
    for row in rows:
        span = figures[(row["article"], int(row["start"]), int(row["end"]))]
        text = corpus.texts[row["article"]]
        assert row["text"] == text[span.start : span.end]
        assert float(row["value"]) == pytest.approx(span.attrs["value"])
        assert row["value_max"] == str(span.attrs.get("value_max", ""))
        assert row["qualifier"] == span.attrs["qualifier"]
        assert row["unit"] == span.attrs.get("unit", "")
        assert row["text"] in row["sentence"] and row["sentence"] in text
        assert "\n" not in row["sentence"] and row["sentence"] == row["sentence"].strip()
        assert row["origin"] == "manual"
    range_row = next(r for r in rows if r["text"] == "de 50 à 100 obus")
    assert (range_row["value"], range_row["value_max"]) == ("50", "100")
    assert range_row["sentence"].startswith("Le déminage de la ville est en cours")
    km = next(r for r in rows if r["unit"] == "km")
    assert (km["value"], km["text"]) == ("3.5", "3,5\u00a0km")


# -- every format --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_done_exports_only_articles_marked_done(corpus: Corpus, tmp_path: Path, name: str) -> None:
    corpus.store.statuses.set(ALICE, corpus.besancon, Status.DONE)
    out = tmp_path / f"out-{name}"
    report = EXPORTERS[name](corpus.store, out, source=ALICE, status="done")
    assert report.articles == 1 and not report.cancelled
    written = "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in ([*out.iterdir()] if out.is_dir() else [out])
        if p.suffix != ".spacy"
    )
    if name == "spacy":
        docs = [d for p in sorted(out.glob("*.spacy")) for d in read_docbin(p)]
        assert [d.user_data["annotator"]["id"] for d in docs] == [corpus.besancon]
    elif name == "brat":
        assert sorted(p.stem for p in out.glob("*.txt")) == [corpus.besancon]
    else:
        assert "CGT" in written and "Alep" not in written


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_cancel_writes_nothing_and_progress_is_reported(
    corpus: Corpus, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "exports" / f"out-{name}"
    seen = []
    polls = iter(range(100))
    report = EXPORTERS[name](
        corpus.store,
        out,
        source=ALICE,
        progress=seen.append,
        cancelled=lambda: next(polls) >= 1,  # stop after the first article
    )
    assert report.cancelled and report.files == []
    assert list((tmp_path / "exports").iterdir()) == []  # no file, no temporary left
    assert [p.done for p in seen] == [1]

    seen.clear()
    report = EXPORTERS[name](corpus.store, out, source=ALICE, progress=seen.append)
    assert not report.cancelled and report.articles == 3
    assert [(p.done, p.total) for p in seen] == [(1, 3), (2, 3), (3, 3)]
    assert out.is_dir() == (name in FOLDER_FORMATS)
    assert all(p.exists() for p in report.files) and report.files
    assert [p.name for p in (tmp_path / "exports").iterdir()] == [out.name]


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
