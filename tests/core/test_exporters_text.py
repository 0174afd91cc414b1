"""Text exports for NLP tools: Prodigy JSONL, CoNLL, brat, the figures CSV, and what every
format shares (status filter, cancel, progress), on the same real corpus."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.exporters.brat import export_brat
from annotator.core.exporters.conll import DOCSTART, export_conll
from annotator.core.exporters.figures_csv import COLUMNS, export_figures_csv
from annotator.core.exporters.formats import EXPORTERS, FOLDER_FORMATS
from annotator.core.exporters.prodigy_jsonl import export_prodigy
from annotator.core.records import Span, Status
from tests.core.exporters_corpus import ALICE, Corpus, Key, find, keys, read_docbin
from tests.core.exporters_corpus import corpus as corpus  # a pytest fixture

# -- Prodigy -------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_prodigy_tokens_and_spans_are_consistent(corpus: Corpus, tmp_path: Path) -> None:
    for article_id in corpus.texts:  # finished: the tasks are answers
        corpus.store.statuses.set(ALICE, article_id, Status.DONE)
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
        [f"{i}.{ext}" for i in corpus.texts for ext in ("txt", "ann")]
        + ["annotation.conf", "articles.jsonl"]
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
    side = [out.name + ".articles.jsonl"] if name == "conll" else []  # whose, reviewed or not
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [out.name, *side]
