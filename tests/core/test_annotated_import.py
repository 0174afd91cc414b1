"""Readers of annotated files: every span lands on exactly the text its tool meant.

The real files are in shared/fixtures (see its README); the bad ones are made here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.importers import (
    brat,
    conll,
    conllu,
    doccano,
    label_studio,
    prodigy,
)
from annotator.core.importers.base import Format, ReadOptions
from annotator.core.importers.jsonl_spans import spans_from_record
from annotator.core.records import ArticleDraft
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"
BRAT = FIXTURES / "brat" / "brat_news_tutorial_060-relation_annotation"
SEQUOIA = FIXTURES / "conllu" / "fr_sequoia-ud-test.conllu"


def read(fmt: Format, path: Path) -> tuple[list[ArticleDraft], list[InputError]]:
    items = [item for item, _ in fmt.read(path, ReadOptions())]
    drafts = [i for i in items if isinstance(i, ArticleDraft)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(drafts) + len(errors) == len(items)
    return drafts, errors


def texts(draft: ArticleDraft) -> list[tuple[str, str]]:
    """Each span as (label, the text it covers)."""
    assert draft.spans is not None
    return [(s.label, draft.text[s.start : s.end]) for s in draft.spans]


def only(fmt: Format, path: Path) -> ArticleDraft:
    drafts, errors = read(fmt, path)
    assert errors == []
    assert len(drafts) == 1
    return drafts[0]


# brat ---------------------------------------------------------------------------------------


def test_brat_tutorial_gives_its_ten_entities_and_keeps_the_rest() -> None:
    draft = only(brat.FORMAT, BRAT.with_suffix(".ann"))
    assert texts(draft) == [
        ("Person", "Terry Pratchett"),
        ("GPE", "England"),
        ("Person", "Joanne Rowling"),
        ("Person", "Jo Rowling"),
        ("Person", "J. K. Rowling"),
        ("Person", "Terry Pratchett"),
        ("GPE", "England"),
        ("Person", "Joanne Rowling"),
        ("Person", "Jo Rowling"),
        ("Person", "J. K. Rowling"),
    ]
    assert [(s.start, s.end) for s in draft.spans or ()][:2] == [(139, 154), (164, 171)]
    assert draft.text == BRAT.with_suffix(".txt").read_bytes().decode("utf-8")
    meta = draft.meta["brat"]
    assert meta["relations"] == ["R1\tLocated Arg1:T1 Arg2:T2\t"]  # its trailing tab kept
    assert meta["equivalences"] == ["*\tAlias T3 T4 T5"]
    assert meta["counts"] == {"entities": 10, "relations": 1, "equivalences": 1}
    assert meta["ids"]["T1"] == [139, 154, "Person"]


def test_brat_reads_the_same_when_the_txt_is_named() -> None:
    from_txt = only(brat.FORMAT, BRAT.with_suffix(".txt"))
    from_ann = only(brat.FORMAT, BRAT.with_suffix(".ann"))
    assert (from_txt.text, from_txt.spans) == (from_ann.text, from_ann.spans)


def _brat(folder: Path, text: bytes, ann: str) -> Path:
    (folder / "doc.txt").write_bytes(text)
    path = folder / "doc.ann"
    path.write_text(ann, encoding="utf-8", newline="")
    return path


def test_brat_crlf_offsets_count_every_carriage_return(tmp_path: Path) -> None:
    text = "Emmanuel Macron\r\nà Paris\r\nle 3 mai\r\n".encode()
    # Offsets as brat counts them: the \r of each line end is a character.
    path = _brat(tmp_path, text, "T1\tPER 0 15\tEmmanuel Macron\nT2\tLOC 19 24\tParis\n")
    draft = only(brat.FORMAT, path)
    assert "\r\n" in draft.text
    assert texts(draft) == [("PER", "Emmanuel Macron"), ("LOC", "Paris")]
    assert "line_ends" not in draft.meta["brat"]


def test_brat_offsets_made_on_lf_text_of_a_crlf_file_use_the_lf_text(tmp_path: Path) -> None:
    text = "Emmanuel Macron\r\nà Paris\r\nle 3 mai\r\n".encode()
    path = _brat(tmp_path, text, "T1\tPER 0 15\tEmmanuel Macron\nT2\tLOC 18 23\tParis\n")
    draft = only(brat.FORMAT, path)
    assert "\r" not in draft.text
    assert texts(draft) == [("PER", "Emmanuel Macron"), ("LOC", "Paris")]
    assert "CRLF read as LF" in draft.meta["brat"]["line_ends"]


def test_brat_mismatch_and_bad_offsets_are_named_with_their_line(tmp_path: Path) -> None:
    path = _brat(
        tmp_path,
        "Jean Dupont vit à Lyon.".encode(),
        "T1\tPER 0 11\tJean Dupont\n"
        "T2\tLOC 17 22\tLyon\n"  # off by one: covers " Lyon"
        "T3\tORG 20 99\tLyon.\n"  # past the end
        "T4\tLOC x y\tLyon\n"
        "Q1\tnonsense\n",
    )
    drafts, errors = read(brat.FORMAT, path)
    assert [texts(d) for d in drafts] == [[("PER", "Jean Dupont")]]
    messages = {e.where: e.message for e in errors}
    assert len(errors) == len(messages) == 4
    assert "' Lyon'" in messages[f"{path}:2"] and "'Lyon'" in messages[f"{path}:2"]
    assert "outside the text" in messages[f"{path}:3"]
    assert "malformed offsets" in messages[f"{path}:4"]
    assert "not a brat annotation line" in messages[f"{path}:5"]


def test_brat_discontinuous_spans_merge_over_white_space_only(tmp_path: Path) -> None:
    text = "la Banque\nde France et la Banque centrale"
    path = _brat(
        tmp_path,
        text.encode(),
        # One fragment a line (brat splits at line ends): merged into one span.
        "T1\tORG 3 9;10 19\tBanque de France\n"
        # "Banque ... centrale" around other words: one span a fragment.
        "T2\tORG 26 32;33 41\tBanque centrale\n"
        "T3\tORG 3 9;33 41\tBanque centrale\n",
    )
    draft = only(brat.FORMAT, path)
    assert texts(draft) == [
        ("ORG", "Banque\nde France"),
        ("ORG", "Banque centrale"),
        ("ORG", "Banque"),
        ("ORG", "centrale"),
    ]
    rules = {d["id"]: d["rule"] for d in draft.meta["brat"]["discontinuous"]}
    assert rules == {"T1": "merged", "T2": "merged", "T3": "split"}


def test_brat_without_its_text_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "alone.ann").write_text("T1\tPER 0 4\tJean\n", encoding="utf-8")
    _, errors = read(brat.FORMAT, tmp_path / "alone.ann")
    assert [e.message for e in errors] == ["no text file alone.txt beside it"]


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


# CoNLL-U ------------------------------------------------------------------------------------


def test_sequoia_imports_as_text_without_spans() -> None:
    draft = only(conllu.FORMAT, SEQUOIA)
    assert draft.spans is None  # no NER column: a plain article, not an empty annotation
    assert draft.meta["conllu"]["sentences"] == 456
    assert draft.meta["conllu"]["ner"] is None
    lines = draft.text.split("\n")
    assert len(lines) == 456
    assert lines[0].startswith("cela signifie que leur consommation énergétique, qui")
    assert lines[-1] == "Quatrième République."
    # Multi-word tokens count by their surface form: "du", never "de le".
    assert "la formation du gouvernement en Autriche" in lines[2]


def test_sequoia_rebuilt_from_tokens_equals_its_text_lines(tmp_path: Path) -> None:
    stripped = tmp_path / "no_text.conllu"
    source = SEQUOIA.read_text(encoding="utf-8").split("\n")
    stripped.write_text(
        "\n".join(line for line in source if not line.startswith("# text =")), encoding="utf-8"
    )
    assert only(conllu.FORMAT, stripped).text == only(conllu.FORMAT, SEQUOIA).text


_CONLLU = """\
# newdoc id = afp-1
# sent_id = 1
# text = Le président du Conseil constitutionnel est à Paris.
1\tLe\tle\tDET\t_\t_\t2\tdet\t_\t_
2\tprésident\tprésident\tNOUN\t_\t_\t7\tnsubj\t_\t_
3-4\tdu\t_\t_\t_\t_\t_\t_\t_\t_
3\tde\tde\tADP\t_\t_\t5\tcase\t_\tNER=B-ORG
4\tle\tle\tDET\t_\t_\t5\tdet\t_\tNER=I-ORG
5\tConseil\tconseil\tPROPN\t_\t_\t2\tnmod\t_\tNER=I-ORG
6\tconstitutionnel\tconstitutionnel\tADJ\t_\t_\t5\tamod\t_\tNER=I-ORG
7\test\têtre\tAUX\t_\t_\t0\troot\t_\t_
8\tà\tà\tADP\t_\t_\t9\tcase\t_\t_
9\tParis\tParis\tPROPN\t_\t_\t7\tobl\t_\tNER=B-LOC|SpaceAfter=No
10\t.\t.\tPUNCT\t_\t_\t7\tpunct\t_\t_

# newdoc id = afp-2
# sent_id = 2
1\tMme\tmadame\tNOUN\t_\t_\t0\troot\t_\t_
2\tBorne\tBorne\tPROPN\t_\t_\t1\tflat\t_\tNE=I-PER|SpaceAfter=No
3\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_

# sent_id = 3
# text = Elle  est à  Matignon.
1\tElle\til\tPRON\t_\t_\t2\tnsubj\t_\t_
2\test\têtre\tAUX\t_\t_\t0\troot\t_\t_
3\tà\tà\tADP\t_\t_\t4\tcase\t_\t_
4\tMatignon\tMatignon\tPROPN\t_\t_\t2\tobl\t_\tEntity=B-LOC|SpaceAfter=No
5\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_

# sent_id = 4
# text = Un texte qui ne suit pas.
1\tUn\tun\tDET\t_\t_\t2\tdet\t_\t_
2\tautre\tautre\tNOUN\t_\t_\t0\troot\t_\tNER=B-MISC
"""


def test_conllu_ner_in_misc_with_multi_word_tokens_and_documents(tmp_path: Path) -> None:
    path = tmp_path / "ner.conllu"
    path.write_text(_CONLLU, encoding="utf-8")
    drafts, errors = read(conllu.FORMAT, path)
    first, second = drafts
    assert first.text == "Le président du Conseil constitutionnel est à Paris."
    assert texts(first) == [("ORG", "du Conseil constitutionnel"), ("LOC", "Paris")]
    assert first.meta["conllu"]["doc_id"] == "afp-1"
    assert first.meta["conllu"]["ner"] == "MISC NER"
    assert second.text == "Mme Borne.\nElle  est à  Matignon.\nUn texte qui ne suit pas."
    assert texts(second) == [("PER", "Borne"), ("LOC", "Matignon")]  # IOB1 I- starts a chunk
    assert [e.where for e in errors] == [f"{path}:33"]
    assert "'autre'" in errors[0].message


def test_conllu_plus_ner_column(tmp_path: Path) -> None:
    path = tmp_path / "plus.conllu"
    path.write_text(
        "# global.columns = ID FORM MISC NER\n"
        "# text = Macron à Bruxelles\n"
        "1\tMacron\t_\tB-PER\n2\tà\t_\tO\n3\tBruxelles\t_\tB-LOC\n",
        encoding="utf-8",
    )
    draft = only(conllu.FORMAT, path)
    assert texts(draft) == [("PER", "Macron"), ("LOC", "Bruxelles")]
    assert draft.meta["conllu"]["ner"] == "column NER"


# CoNLL --------------------------------------------------------------------------------------

_IOB1 = """\
-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER
Jean NNP I-NP B-PER

-DOCSTART- -X- -X- O

La\tO
Banque\tB-ORG
de\tI-ORG
France\tI-ORG
Paris\tB-LOC
Lyon\tB-LOC
"""


def test_conll_iob1_and_iob2_documents(tmp_path: Path) -> None:
    path = tmp_path / "news.conll"
    path.write_text(_IOB1, encoding="utf-8")
    drafts, errors = read(conll.FORMAT, path)
    assert errors == []
    first, second = drafts
    assert first.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn Jean"
    assert texts(first) == [
        ("ORG", "EU"),
        ("MISC", "German"),
        ("MISC", "British"),
        ("PER", "Peter Blackburn"),
        ("PER", "Jean"),  # IOB1: B- between two adjacent chunks of one type
    ]
    assert first.meta["conll"]["scheme"] == "IOB1"
    assert second.text == "La Banque de France Paris Lyon"
    assert texts(second) == [("ORG", "Banque de France"), ("LOC", "Paris"), ("LOC", "Lyon")]
    assert second.meta["conll"]["scheme"] == "IOB2"


def test_conll_without_docstart_is_one_article_and_bad_tags_are_named(tmp_path: Path) -> None:
    path = tmp_path / "plain.conll"
    path.write_text(
        "Jacques B-PER\nChirac E-PER\n\nà O\nParis S-LOC\n\nMonsieur PERSON\nX\n", encoding="utf-8"
    )
    drafts, errors = read(conll.FORMAT, path)
    assert len(drafts) == 1
    assert drafts[0].text == "Jacques Chirac\nà Paris\nMonsieur X"
    assert texts(drafts[0]) == [("PER", "Jacques Chirac"), ("LOC", "Paris")]
    assert drafts[0].meta["conll"]["scheme"] == "IOBES"
    assert {e.where: e.message.split(":")[0] for e in errors} == {
        f"{path}:8": "no tag column; read as O",
        f"{path}:7": "unknown tag scheme",
    }


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
