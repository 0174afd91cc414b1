"""Reader of brat standoff files: spans, CRLF offsets, fragments and bad lines."""

from __future__ import annotations

from pathlib import Path

from annotator.core.importers import brat
from tests.core.annotated_import_helpers import FIXTURES, only, read, texts

BRAT = FIXTURES / "brat" / "brat_news_tutorial_060-relation_annotation"


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
