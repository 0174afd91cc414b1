"""Readers of annotated JSON files (doccano, Label Studio, Prodigy, our export): exact spans.

The real files are in tests/data/fixtures (see its README); the bad ones are made here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.importers import doccano, label_studio, prodigy
from annotator.core.importers.jsonl_spans import spans_from_record
from tests.core.annotated_import_helpers import FIXTURES, only, read, texts

# doccano ------------------------------------------------------------------------------------


def test_doccano_label_triples() -> None:
    drafts, errors = read(
        doccano.FORMAT, FIXTURES / "doccano" / "doccano_export_sequence_labeling_example.jsonl"
    )
    assert errors == []
    assert [texts(d) for d in drafts] == [
        [("ORG", "EU"), ("MISC", "German")],
        [("PERSON", "Peter Blackburn")],
        [("PERSON", "Obama")],
    ]


def test_doccano_v1_label_ids_become_label_names_only_with_a_map() -> None:
    path = FIXTURES / "doccano" / "doccano_v1_download_format_example.jsonl"
    drafts, errors = read(doccano.FORMAT, path)
    assert errors == []
    assert [texts(d) for d in drafts] == [
        [("label-2", "EU")],
        [("label-1", "Peter Blackburn")],
        [("label-1", "Obama")],
    ]
    assert drafts[0].text == "EU rejects ..."
    assert drafts[0].meta["id"] == 1
    assert drafts[0].meta["doccano"]["users"] == [1]
    assert "label ids" in drafts[0].meta["doccano"]["label_ids"]
    named, _ = read(doccano.with_label_map({1: "PERSON", 2: "ORG"}), path)
    assert [texts(d) for d in named] == [
        [("ORG", "EU")],
        [("PERSON", "Peter Blackburn")],
        [("PERSON", "Obama")],
    ]
    assert "label_ids" not in named[0].meta["doccano"]


def test_doccano_pretty_printed_entities_and_relations() -> None:
    path = FIXTURES / "doccano" / "doccano_relation_extraction_example_prettyprinted.jsonl"
    draft = only(doccano.FORMAT, path)
    assert draft.text.startswith("Google was founded")
    assert texts(draft) == [
        ("ORG", "Google"),
        ("DATE", "September 4, 1998"),
        ("PERSON", "Larry Page"),
        ("PERSON", "Sergey Brin"),
    ]
    assert draft.meta["doccano"]["entity_ids"] == [0, 1, 2, 3]
    assert draft.meta["doccano"]["relations"][1] == {"from_id": 0, "to_id": 2, "type": "foundedBy"}


def test_doccano_bad_lines_are_named_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "lot.jsonl"
    good = {"text": "Marie Curie à Varsovie", "label": [[0, 11, "PER"], [14, 22, "LOC"]]}
    past_end = {"text": "Nantes", "label": [[0, 6, "LOC"], [3, 40, "LOC"]]}
    line = json.dumps({"text": "Anne Hidalgo à Paris", "label": [[0, 12, "PER"]]})
    path.write_text(
        "\n".join([json.dumps(good), json.dumps(past_end), line[: len(line) // 2], line]) + "\n",
        encoding="utf-8",
    )
    drafts, errors = read(doccano.FORMAT, path)
    assert [texts(d) for d in drafts] == [
        [("PER", "Marie Curie"), ("LOC", "Varsovie")],
        [("LOC", "Nantes")],  # the good span of line 2 stays
        [("PER", "Anne Hidalgo")],
    ]
    assert [e.where for e in errors] == [f"{path}:2", f"{path}:3"]
    assert "outside the text" in errors[0].message
    assert errors[1].message.startswith("invalid JSON")


def test_a_pretty_printed_file_cut_short_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_text('\n{\n  "text": "Lyon",\n  "label": [[0, 4, "LOC"]\n', encoding="utf-8")
    drafts, errors = read(doccano.FORMAT, path)
    assert drafts == []
    assert len(errors) == 1 and errors[0].where.startswith(f"{path}:")
    assert errors[0].message.startswith("invalid JSON")


# Label Studio -------------------------------------------------------------------------------


def test_label_studio_0x_completions_have_inclusive_ends() -> None:
    folder = FIXTURES / "label_studio"
    first = only(label_studio.FORMAT, folder / "ls_v0_named_entity_completions_0.json")
    assert texts(first) == [("Date", "February 22"), ("Location", "Bahia")]
    # The file says start 343, end 353 for the 11 characters of "February 22".
    assert [(s.start, s.end) for s in first.spans or ()] == [(343, 354), (45, 50)]
    assert first.meta["label_studio"]["ends"] == "inclusive (checked against value.text)"
    assert first.meta["label_studio"]["used"] == 0
    assert first.meta["label_studio"]["task"]["task_path"] == "../examples/named_entity/tasks.json"
    second = only(label_studio.FORMAT, folder / "ls_v0_named_entity_completions_1.json")
    assert texts(second) == [("Date", "February 22")]
    assert second.meta["label_studio"]["used"] == 1001


def _result(start: int, end: int, label: str, text: str | None = None) -> dict:
    value: dict = {"start": start, "end": end, "labels": [label]}
    if text is not None:
        value["text"] = text
    return {"from_name": "label", "to_name": "text", "type": "labels", "value": value}


def test_label_studio_1x_list_first_uncancelled_annotation(tmp_path: Path) -> None:
    text = "Le maire de Marseille, Benoît Payan, a parlé."
    tasks = [
        {
            "id": 7,
            "data": {"text": text, "title": "Conseil"},
            "annotations": [
                {"id": 1, "was_cancelled": True, "result": [_result(0, 2, "MISC")]},
                {
                    "id": 2,
                    "result": [
                        _result(12, 21, "LOC", "Marseille"),
                        _result(23, 35, "PER"),  # no text: exclusive, as the others
                        {"type": "relation", "from_id": "a", "to_id": "b"},
                    ],
                },
                {"id": 3, "result": []},
            ],
            "predictions": [{"result": []}],
        },
        {"id": 8, "data": {"body": "Sans annotation."}, "annotations": []},
        {
            "id": 9,
            "data": {"text": text},
            "annotations": [{"result": [_result(12, 21, "LOC", "Lyon")]}],
        },
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, indent=2, ensure_ascii=False), encoding="utf-8")
    drafts, errors = read(label_studio.FORMAT, path)
    assert texts(drafts[0]) == [("LOC", "Marseille"), ("PER", "Benoît Payan")]
    assert drafts[0].title == "Conseil"
    studio = drafts[0].meta["label_studio"]
    assert (studio["annotations"], studio["cancelled"], studio["used"]) == (3, 1, 2)
    assert studio["predictions"] == 1 and len(studio["relations"]) == 1
    assert studio["ends"] == "exclusive (checked against value.text)"
    assert drafts[1].text == "Sans annotation." and drafts[1].spans is None
    assert drafts[2].spans == ()
    assert len(errors) == 1 and errors[0].where.startswith(f"{path}:")
    assert "'Lyon'" in errors[0].message
    # The same export on one line (as the API writes it) reads the same, task by task.
    compact = tmp_path / "compact.json"
    compact.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    again, errors_again = read(label_studio.FORMAT, compact)
    assert [(d.text, d.spans) for d in again] == [(d.text, d.spans) for d in drafts]
    assert [e.message for e in errors_again] == [e.message for e in errors]


def test_label_studio_0x_without_quoted_text_assumes_inclusive_ends(tmp_path: Path) -> None:
    task = {
        "data": {"text": "Grève à Toulouse"},
        "completions": [{"result": [_result(8, 15, "LOC")]}],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(task), encoding="utf-8")
    draft = only(label_studio.FORMAT, path)
    assert texts(draft) == [("LOC", "Toulouse")]
    assert draft.meta["label_studio"]["ends"] == "inclusive (assumed from the form)"


# Prodigy ------------------------------------------------------------------------------------


def test_prodigy_tweet_and_its_hashes() -> None:
    draft = only(prodigy.FORMAT, FIXTURES / "prodigy" / "ner_tweets_demo.jsonl")
    assert texts(draft) == [("PERSON", "Ed Sheeran")]
    kept = draft.meta["prodigy"]
    assert kept["answer"] == "accept"
    assert (kept["_input_hash"], kept["_task_hash"]) == (885944384, -1665691389)
    assert kept["_view_id"] == "ner_manual"
    assert "tokens" not in draft.meta


def test_prodigy_rejected_tasks_import_without_spans(tmp_path: Path) -> None:
    tokens = [{"text": "Jean", "start": 0, "end": 4}, {"text": "Moulin", "start": 5, "end": 11}]
    lines = [
        {
            "text": "Jean Moulin",
            "spans": [{"start": 0, "end": 11, "label": "PER"}],
            "answer": "reject",
        },
        {
            "text": "Jean Moulin",
            "spans": [{"token_start": 0, "token_end": 1, "label": "PER"}],
            "tokens": tokens,
            "answer": "accept",
            "meta": {"source": "wiki"},
        },
        {"text": "Jean Moulin", "spans": [{"start": 5, "end": 11, "label": "PER", "text": "Jean"}]},
        {"text": "Jean Moulin", "spans": [{"start": 5, "end": 30, "label": "PER"}]},
    ]
    path = tmp_path / "db.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    drafts, errors = read(prodigy.FORMAT, path)
    assert drafts[0].spans is None
    assert drafts[0].meta["prodigy"]["answer"] == "reject"
    assert drafts[0].meta["prodigy"]["spans"] == lines[0]["spans"]
    assert texts(drafts[1]) == [("PER", "Jean Moulin")]  # token_end is inclusive
    assert drafts[1].meta["prodigy"]["meta"] == {"source": "wiki"}
    assert drafts[2].spans == drafts[3].spans == ()
    assert [e.where for e in errors] == [f"{path}:3", f"{path}:4"]
    assert "'Moulin' but the file says 'Jean'" in errors[0].message
    assert "outside the text" in errors[1].message


# Our own JSON Lines export ------------------------------------------------------------------


def test_spans_from_our_export_record() -> None:
    record = {
        "text": "5 000 manifestants à Rennes",
        "spans": [
            {
                "start": 0,
                "end": 18,
                "label": "FIGURE",
                "attrs": {"value": 5000},
                "origin": "manual",
            },
            {"start": 21, "end": 27, "label": "LOC"},
        ],
    }
    spans = spans_from_record(record)
    assert spans is not None
    assert [(s.label, record["text"][s.start : s.end], s.attrs) for s in spans] == [
        ("FIGURE", "5 000 manifestants", {"value": 5000}),
        ("LOC", "Rennes", {}),
    ]
    assert spans_from_record({"text": "Sans spans."}) is None
    assert spans_from_record({"text": "x", "spans": []}) == ()
    with pytest.raises(InputError, match="outside the text") as raised:
        spans_from_record(
            {"text": "Rennes", "spans": [{"start": 0, "end": 9, "label": "LOC"}]}, where="a.jsonl:3"
        )
    assert raised.value.where == "a.jsonl:3"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"start": True, "end": 6, "label": "LOC"}, "must be integers"),
        ({"start": 0, "end": 6.0, "label": "LOC"}, "must be integers"),
        ({"start": 0, "end": 6, "label": " "}, "has no label"),
        ({"start": 0, "end": 6}, "has no label"),
        ({"start": 4, "end": 4, "label": "LOC"}, "is empty"),
        ({"start": 0, "end": 6, "label": "LOC", "attrs": [1]}, '"attrs" must be an object'),
        ({"start": 0, "end": 6, "label": "LOC", "text": "Brest"}, "but the file says 'Brest'"),
        ("LOC", "expected an object"),
    ],
)
def test_every_bad_span_of_an_export_record_is_named(item: object, message: str) -> None:
    good = {"start": 0, "end": 6, "label": "LOC", "text": "Rennes", "attrs": None}
    record = {"text": "Rennes en hiver", "spans": [good, item]}
    with pytest.raises(InputError, match=message):
        spans_from_record(record)
    (span,) = spans_from_record({**record, "spans": [good]}) or ()
    assert (span.start, span.end, span.label, span.attrs) == (0, 6, "LOC", {})
