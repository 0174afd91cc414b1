"""What an import stores is exactly what the input said, once (issue #13, cases 5-7, 15).

Real files of French text imported into real database files; what is stored
is read back and compared with the characters the input's offsets named.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.importing import import_paths
from annotator.core.store import Store

SENTENCE = "Jean Dupont a rencontré Marie Curie à Lyon le 3 mai."


def jsonl(path: Path, *records: dict) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", "utf-8")
    return path


def span(text: str, words: str, label: str) -> dict:
    start = text.index(words)
    return {"start": start, "end": start + len(words), "label": label}


def stored_spans(store: Store, annotator: str = "alice") -> dict[str, list[tuple[str, str]]]:
    """Each article's spans of the annotator, as (label, covered text)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for article_id, start, end, label, text in store.db.execute(
        'SELECT n.article_id, n.start, n."end", n.label, a.text FROM annotations n'
        " JOIN annotators p ON p.id = n.annotator_id JOIN articles a ON a.id = n.article_id"
        " WHERE p.name = ? ORDER BY n.article_id, n.start",
        [annotator],
    ):
        found.setdefault(article_id, []).append((label, text[start:end]))
    return found


def status_of(store: Store, annotator: str) -> dict[str, str]:
    return dict(
        store.db.execute(
            "SELECT s.article_id, s.status FROM article_status s JOIN annotators p"
            " ON p.id = s.annotator_id WHERE p.name = ?",
            [annotator],
        ).fetchall()
    )


# Case 5 ---------------------------------------------------------------------------------------


def test_spans_made_on_another_white_space_are_carried_to_the_stored_text(
    tmp_path: Path, store: Store
) -> None:
    stored = "Jean  Dupont a rencontré\n\nMarie Curie à Lyon le 3 mai."
    import_paths(store, [jsonl(tmp_path / "plain.jsonl", {"text": stored})])
    record = {
        "text": SENTENCE,  # the same words, other white space: the same article id
        "spans": [span(SENTENCE, "Jean Dupont", "PER"), span(SENTENCE, "Marie Curie", "PER")],
    }
    report = import_paths(
        store, [jsonl(tmp_path / "annotated.jsonl", record)], annotator="alice"
    )
    assert report.ok and report.spans == 2 and report.added == []
    (spans,) = stored_spans(store).values()
    # Before: "Jean  Dupon" (offsets of the record applied to the stored text).
    assert spans == [("PER", "Jean  Dupont"), ("PER", "Marie Curie")]


# Case 6 ---------------------------------------------------------------------------------------


def brat_pair(folder: Path, text: str, ann: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "dupont.txt").write_text(text, "utf-8")
    (folder / "dupont.ann").write_text(ann, "utf-8")
    return folder


def test_an_article_with_a_bad_brat_span_is_refused_whole_and_its_fix_imports(
    tmp_path: Path, store: Store
) -> None:
    good = "T1\tPER 0 11\tJean Dupont\nT2\tPER 24 35\tMarie Curie\n"
    folder = brat_pair(tmp_path / "brat", SENTENCE, good + "T3\tLOC 38 99\tLyon\n")
    report = import_paths(store, [folder], annotator="alice")
    assert not report.ok
    assert report.added == [] and report.spans == 0
    assert stored_spans(store) == {} and status_of(store, "alice") == {}
    assert any("article not stored" in p.message for p in report.problems)
    assert any(p.where == f"{folder / 'dupont.ann'}:3" for p in report.problems)

    brat_pair(folder, SENTENCE, good + "T3\tLOC 38 42\tLyon\n")  # the .ann corrected
    again = import_paths(store, [folder], annotator="alice")
    assert again.ok and again.already_annotated == [] and again.spans == 3
    (spans,) = stored_spans(store).values()
    assert spans == [("PER", "Jean Dupont"), ("PER", "Marie Curie"), ("LOC", "Lyon")]
    assert list(status_of(store, "alice").values()) == ["done"]


def test_a_record_with_white_space_only_spans_is_refused_whole_every_bad_span_named(
    tmp_path: Path, store: Store
) -> None:
    record = {
        "text": SENTENCE,
        "spans": [
            span(SENTENCE, "Jean Dupont", "PER"),
            {"start": 4, "end": 5, "label": "LOC"},  # white space only: dropped silently before
            {"start": 11, "end": 12, "label": "MISC"},
        ],
    }
    path = jsonl(tmp_path / "a.jsonl", record)
    report = import_paths(store, [path], format="jsonl", annotator="alice")
    assert report.added == [] and stored_spans(store) == {}
    (problem,) = report.problems
    assert problem.where == f"{path}:1"
    assert "4-5 LOC covers only white space" in problem.message
    assert "11-12 MISC covers only white space" in problem.message
    assert problem.message.endswith("article not stored")


# Every annotated reader: a span its reader refused refuses the whole record too.
OTHER_READERS = {
    "doccano": {"text": SENTENCE, "label": [[0, 11, "PER"], [38, 99, "LOC"]]},
    "prodigy": {
        "text": SENTENCE,
        "answer": "accept",
        "spans": [span(SENTENCE, "Jean Dupont", "PER"), {"start": 38, "end": 99, "label": "LOC"}],
    },
    "label-studio": [
        {
            "data": {"text": SENTENCE},
            "annotations": [
                {
                    "result": [
                        {"value": {"start": 0, "end": 11, "labels": ["PER"]}},
                        {"value": {"start": 38, "end": 99, "labels": ["LOC"]}},
                    ]
                }
            ],
        }
    ],
}


@pytest.mark.parametrize("fmt", OTHER_READERS)
def test_every_annotated_reader_refuses_the_record_of_a_bad_span_whole(
    tmp_path: Path, store: Store, fmt: str
) -> None:
    record = OTHER_READERS[fmt]
    path = tmp_path / "in.json"
    if isinstance(record, list):
        path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    else:
        path = jsonl(tmp_path / "in.jsonl", record)
    report = import_paths(store, [path], format=fmt, annotator="alice")
    assert report.added == [] and stored_spans(store) == {} and status_of(store, "alice") == {}
    assert any("outside the text" in p.message for p in report.problems)
    assert any(p.message.endswith("article not stored") for p in report.problems)


# Case 7 ---------------------------------------------------------------------------------------


def test_the_same_text_twice_in_a_run_keeps_the_first_records_spans_and_says_so(
    tmp_path: Path, store: Store
) -> None:
    first = {"text": SENTENCE, "spans": [span(SENTENCE, "Jean Dupont", "PER")]}
    second = {"text": SENTENCE, "spans": [span(SENTENCE, "Lyon", "LOC")]}
    same = {"text": SENTENCE, "spans": [span(SENTENCE, "Jean Dupont", "PER")]}
    path = jsonl(tmp_path / "twice.jsonl", first, second, same)
    report = import_paths(store, [path], format="jsonl", annotator="alice")
    assert len(report.added) == 1 and len(report.duplicates) == 2
    (spans,) = stored_spans(store).values()
    assert spans == [("PER", "Jean Dupont")]  # before: the second record's ("LOC", "Lyon")
    (problem,) = report.problems  # the third record repeats the first: nothing to say
    assert problem.where == f"{path}:2" and "other spans" in problem.message


# Case 15, the storing parts ---------------------------------------------------------------------


def test_a_span_given_twice_is_stored_once_and_reported(tmp_path: Path, store: Store) -> None:
    lyon = span(SENTENCE, "Lyon", "LOC")
    path = jsonl(tmp_path / "a.jsonl", {"text": SENTENCE, "spans": [lyon, lyon]})
    report = import_paths(store, [path], format="jsonl", annotator="alice")
    assert list(stored_spans(store).values()) == [[("LOC", "Lyon")]]
    assert [p.message for p in report.problems] == ["span 38-42 LOC given twice: stored once"]


def test_a_span_cutting_a_letter_from_its_accent_is_refused_and_the_text_stays_nfc(
    tmp_path: Path, store: Store
) -> None:
    text = "Le pre\u0301fet de l'He\u0301rault."  # NFD: "é" as "e" and a combining accent
    cut = text.index("\u0301")  # an edge between the "e" and its accent
    good = {"start": 0, "end": 2, "label": "MISC"}
    var = "Le pre\u0301fet du Var."
    path = jsonl(
        tmp_path / "nfd.jsonl",
        {"text": text, "spans": [good, {"start": 3, "end": cut, "label": "MISC"}]},
        {"text": var, "spans": [span(var, "Var", "LOC")]},
    )
    report = import_paths(store, [path], format="jsonl", annotator="alice")
    (problem,) = report.problems
    assert problem.where == f"{path}:1" and "cuts a character in two" in problem.message
    assert len(report.added) == 1
    (stored,) = store.db.execute("SELECT text FROM articles").fetchone()
    assert stored == "Le préfet du Var."
    assert list(stored_spans(store).values()) == [[("LOC", "Var")]]


def test_a_span_cutting_an_accent_nfc_keeps_apart_is_refused(tmp_path: Path, store: Store) -> None:
    """"q" + U+0301 has no composed form, so the text is NFC and the accent stays a
    character of its own: an edge before it is refused, as merge refuses it."""
    text = "Le village de Zq\u0301x est calme."
    edge = text.index("\u0301")
    record = {"text": text, "spans": [{"start": 14, "end": edge, "label": "LOC"}]}
    path = jsonl(tmp_path / "q.jsonl", record)
    report = import_paths(store, [path], format="jsonl", annotator="alice")
    assert report.added == [] and stored_spans(store) == {}
    assert any("cuts a character in two" in p.message for p in report.problems)


def test_the_store_refuses_the_same_span_twice_for_an_annotator(store: Store) -> None:
    import pytest

    from annotator.core.errors import InvalidSpan
    from annotator.core.store import NewArticle
    from annotator.core.text import article_id

    store.articles.add([NewArticle(article_id(SENTENCE), None, SENTENCE, "t", {}, 10)])
    with pytest.raises(InvalidSpan, match="twice"):
        store.annotations.import_many(
            "alice", {article_id(SENTENCE): [(38, 42, "LOC", {}), (38, 42, "LOC", {})]}
        )


def test_spans_are_never_put_on_another_text_stored_under_their_id(
    tmp_path: Path, store: Store
) -> None:
    from annotator.core.store import NewArticle
    from annotator.core.text import article_id

    # An id not made from its text: what a database of an older version could hold.
    other = "Marie Curie est née à Varsovie en 1867, bien avant la guerre."
    store.articles.add([NewArticle(article_id(SENTENCE), None, other, "old.db", {}, 12)])
    record = {"text": SENTENCE, "spans": [span(SENTENCE, "Jean Dupont", "PER")]}
    path = jsonl(tmp_path / "a.jsonl", record)
    report = import_paths(store, [path], format="jsonl", annotator="alice")
    assert stored_spans(store) == {}  # before: "Marie Curie" stored as the PER "Jean Dupont"
    (problem,) = report.problems
    assert problem.where == f"{path}:1" and "stored with another text" in problem.message


# #13, case F4: FIGURE attributes follow the one rule of the window and merge ---------------


@pytest.mark.parametrize(
    "attrs",
    [
        {"value": "x", "qualifier": "\u001b[31m", "unit": "<img src=x>"},
        {"value": 3, "unit": "euros " * 20_000},
        {"value": 3, "unit": "euros\u001b[2J"},
    ],
)
def test_figure_attributes_merge_would_refuse_refuse_the_article(
    tmp_path: Path, store: Store, attrs: dict
) -> None:
    text = "Le budget atteint 3 millions d'euros cette année à Lyon."
    figure = {**span(text, "3 millions d'euros", "FIGURE"), "attrs": attrs}
    record = {"text": text, "spans": [span(text, "Lyon", "LOC"), figure]}
    report = import_paths(store, [jsonl(tmp_path / "f.jsonl", record)], annotator="alice")
    assert report.added == [] and stored_spans(store) == {} and status_of(store, "alice") == {}
    (problem,) = report.problems
    assert "FIGURE" in problem.message and problem.message.endswith("article not stored")
    assert len(problem.message) < 300 and "\x1b" not in problem.message


def test_good_figure_attributes_and_other_labels_attributes_are_stored(
    tmp_path: Path, store: Store
) -> None:
    text = "Le budget atteint 3 millions d'euros cette année à Lyon."
    figure = span(text, "3 millions d'euros", "FIGURE")
    figure["attrs"] = {"value": 3000000, "qualifier": "exact", "unit": "euros"}
    place = {**span(text, "Lyon", "LOC"), "attrs": {"any": ["json", 1]}}
    report = import_paths(
        store, [jsonl(tmp_path / "f.jsonl", {"text": text, "spans": [figure, place]})],
        annotator="alice",
    )
    assert report.ok and report.spans == 2


# #13, case F5: a CoNLL or CoNLL-U document partly read is no finished version ---------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("b.conll", "Paris -X- _ B-\nest -X- _ O\nbelle -X- _ O\nMacron -X- _ B-PER\n\n"),
        ("z.conll", "Paris -X- _ Z-LOC\nest -X- _ O\nbelle -X- _ O\nMacron -X- _ B-PER\n\n"),
        (
            "s.conllu",
            "# text = Paris est belle\n1\tParis\t_\t_\t_\t_\t_\t_\t_\tNER=B-LOC\n"
            "x\test\t_\t_\t_\t_\t_\t_\t_\tNER=O\n3\tbelle\t_\t_\t_\t_\t_\t_\t_\tNER=O\n\n"
            "# text = Macron parle\n1\tMacron\t_\t_\t_\t_\t_\t_\t_\tNER=B-PER\n"
            "2\tparle\t_\t_\t_\t_\t_\t_\t_\tNER=O\n\n",
        ),
    ],
)
def test_a_conll_document_partly_read_is_refused_whole(
    tmp_path: Path, store: Store, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    report = import_paths(store, [path], annotator="alice")
    assert not report.ok
    assert report.added == [] and stored_spans(store) == {} and status_of(store, "alice") == {}
    assert report.problems[-1].message.endswith("article not stored")
    # Read without an annotator, its text is kept (nothing is marked anyone's work).
    plain = import_paths(store, [path])
    assert len(plain.added) == 1 and status_of(store, "alice") == {}


# #13, case F6: an annotator's version is left as it is, even with no span ------------------


def test_a_finished_version_with_no_span_is_left_as_it_is(tmp_path: Path, store: Store) -> None:
    empty = jsonl(tmp_path / "empty.jsonl", {"text": SENTENCE, "spans": []})
    first = import_paths(store, [empty], annotator="alice")
    assert first.ok and status_of(store, "alice") == {first.added[0]: "done"}
    later = {"text": SENTENCE, "spans": [span(SENTENCE, "Jean Dupont", "PER")]}
    report = import_paths(store, [jsonl(tmp_path / "later.jsonl", later)], annotator="alice")
    assert stored_spans(store) == {} and report.already_annotated == first.added


def test_the_same_annotated_input_again_logs_nothing(tmp_path: Path, store: Store) -> None:
    other = "Marie Curie est née à Varsovie en 1867, bien avant la guerre."
    path = jsonl(
        tmp_path / "a.jsonl",
        {"text": SENTENCE, "spans": []},
        {"text": other, "spans": [span(other, "Varsovie", "LOC")]},
    )
    import_paths(store, [path], annotator="alice")
    (events,) = store.db.execute("SELECT count(*) FROM events").fetchone()
    again = import_paths(store, [path], annotator="alice")
    assert again.ok and sorted(again.already_annotated) == sorted(again_ids(store))
    assert store.db.execute("SELECT count(*) FROM events").fetchone() == (events,)


def again_ids(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT id FROM articles")]
