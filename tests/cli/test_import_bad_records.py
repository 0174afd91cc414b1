"""One bad record is named (file, line) and skipped; the rest is read (#13, cases 9 and 15).

Each file is imported by `annotator import` as a user runs it: exit status 1,
the message names the file and line, no traceback, the good records before
and after the bad one are stored, and the database is sound.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli.bad_input import (
    french_texts,
    integrity_ok,
    run_import,
    stored_column,
    stored_texts,
)

# Each: (what the line holds, the raw JSON line, what the message says).
HOSTILE_LINES = [
    ("a 5,000-digit number", '{"text": "Un texte.", "n": ' + "9" * 5000 + "}", "4300 digits"),
    ("JSON nested 100k deep", "[" * 100_000 + "]" * 100_000, "nested deeper"),
    ("NaN in metadata", '{"text": "Un texte.", "meta": {"score": NaN}}', "NaN"),
    ("an overflowing float", '{"text": "Un texte.", "score": 1e999}', "too large"),
    ("a NUL in the text", '{"text": "Un\\u0000 texte."}', "control character U+0000"),
    ("an escape code in the text", '{"text": "Un \\u001b[31mtexte."}', "control character"),
    # #13, case F10: DEL and the C1 controls (a CSI, a NEL) are control characters too
    ("a DEL in the text", '{"text": "Un\\u007f texte."}', "control character U+007F"),
    ("a C1 CSI in the text", '{"text": "Un \\u009b31mtexte."}', "control character U+009B"),
    ("a NEL in the text", '{"text": "Un\\u0085texte."}', "control character U+0085"),
]


@pytest.mark.parametrize(
    ("what", "line", "message"), HOSTILE_LINES,
    ids=[h[0] for h in HOSTILE_LINES],
)
@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy"])
def test_a_hostile_json_line_is_named_and_the_others_stored(
    tmp_path: Path, fmt: str, what: str, line: str, message: str
) -> None:
    before, after = french_texts(2)
    path = tmp_path / "lot.jsonl"
    lines = [json.dumps({"text": before}), line, json.dumps({"text": after})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "db.db"
    result = run_import(db, "--format", fmt, path)
    assert result.exit_code == 1, result.output
    named = [row for row in result.output.splitlines() if "lot.jsonl:2: " in row]
    assert len(named) == 1 and message in named[0], result.output
    assert stored_texts(db) == [before, after]
    assert integrity_ok(db)


def test_hostile_tasks_in_a_label_studio_list_are_named_and_the_others_stored(
    tmp_path: Path,
) -> None:
    first, last = french_texts(2)
    path = tmp_path / "tasks.json"
    path.write_text(
        "[\n"
        + json.dumps({"data": {"text": first}})
        + ",\n"
        + '{"data": {"text": "Un texte.", "n": '
        + "7" * 5000
        + "}},\n"  # line 3
        + '{"data": {"text": "Un texte.", "score": NaN}},\n'  # line 4
        + json.dumps({"data": {"text": last}})
        + "\n]\n",
        encoding="utf-8",
    )
    db = tmp_path / "db.db"
    result = run_import(db, path)
    assert result.exit_code == 1, result.output
    assert "tasks.json:3: invalid JSON: a number of more than 4300 digits" in result.output
    assert "tasks.json:4: invalid JSON: NaN" in result.output
    assert stored_texts(db) == [first, last]
    assert integrity_ok(db)


@pytest.mark.parametrize(
    ("offsets", "message"),
    [("0 " + "9" * 5000, "offset of 5000 digits"), ("0 ²", "malformed offsets")],
    ids=["5000 digits", "superscript two"],
)
def test_a_hostile_brat_offset_is_named_and_the_next_document_stored(
    tmp_path: Path, offsets: str, message: str
) -> None:
    one, two = french_texts(2)
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(one, encoding="utf-8")
    (folder / "a.ann").write_text(f"T1\tPER 0 4\t{one[:4]}\nT2\tLOC {offsets}\tx\n")
    (folder / "b.txt").write_text(two, encoding="utf-8")
    (folder / "b.ann").write_text(f"T1\tORG 0 3\t{two[:3]}\n", encoding="utf-8")
    db = tmp_path / "db.db"
    result = run_import(db, "--annotator", "alice", folder)
    assert result.exit_code == 1, result.output
    assert f"a.ann:2: {message}" in result.output
    assert two in stored_texts(db)
    assert integrity_ok(db)


def test_a_conllu_id_that_is_no_number_is_named_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "ud.conllu"
    path.write_text(
        "# text = Paris dort.\n"
        "1\tParis\tParis\tPROPN\t_\t_\t2\tnsubj\t_\tNER=B-LOC\n"
        "2\tdort\tdormir\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No\n"
        "3\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_\n"
        "\n"
        "# text = Lyon veille.\n"
        "1²\tLyon\tLyon\tPROPN\t_\t_\t2\tnsubj\t_\tNER=B-LOC\n"  # line 7
        "2\tveille\tveiller\tVERB\t_\t_\t0\troot\t_\t_\n"
        + "9" * 5000
        + "\tx\tx\tX\t_\t_\t0\troot\t_\t_\n",  # line 9
        encoding="utf-8",
    )
    db = tmp_path / "db.db"
    result = run_import(db, path)
    assert result.exit_code == 1, result.output
    assert "ud.conllu:7: not a CoNLL-U token ID" in result.output
    assert "ud.conllu:9: not a CoNLL-U token ID" in result.output
    assert stored_texts(db) == ["Paris dort.\nLyon veille."]
    assert integrity_ok(db)


def test_a_control_character_deep_in_a_text_file_is_named_with_its_line(tmp_path: Path) -> None:
    one, two = french_texts(2)
    bad = tmp_path / "a.txt"
    # Past the 8 KB a binary file is recognised by: only a check of the whole text sees it.
    bad.write_text((one + "\n") * 120 + "Fin\x00 du texte.\n", encoding="utf-8")
    assert bad.stat().st_size > 8192
    good = tmp_path / "b.txt"
    good.write_text(two, encoding="utf-8")
    db = tmp_path / "db.db"
    result = run_import(db, bad, good)
    assert result.exit_code == 1, result.output
    assert "a.txt: control character U+0000 in the text (its line 121" in result.output
    assert stored_texts(db) == [two]


@pytest.mark.skipif(os.name != "posix", reason="file names of any bytes are POSIX's")
def test_a_file_name_that_is_not_utf8_is_shown_escaped_and_stored(tmp_path: Path) -> None:
    one, two = french_texts(2)
    folder = tmp_path / "lot"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")  # Latin-1 bytes in a name: not UTF-8
    (folder / name).write_text(one, encoding="utf-8")
    broken = folder / os.fsdecode(b"r\xe9sum\xe9.jsonl")
    broken.write_text(json.dumps({"text": two}) + "\n{cassé\n", encoding="utf-8")
    db = tmp_path / "db.db"
    result = run_import(db, folder)
    assert result.exit_code == 1, result.output
    assert "r\\xe9sum\\xe9.jsonl:2: invalid JSON" in result.output
    assert stored_texts(db) == [one, two]
    sources = stored_column(db, "source")
    assert sources[0].endswith("caf\\xe9.txt") and sources[1].endswith("r\\xe9sum\\xe9.jsonl")
    assert integrity_ok(db)


def test_a_label_holding_an_escape_code_never_reaches_the_terminal(tmp_path: Path) -> None:
    before, text, after = french_texts(3)
    path = tmp_path / "spans.jsonl"
    forged = {"text": text, "spans": [{"start": 0, "end": 10**6, "label": "\x1b[2JPER"}]}
    lines = [json.dumps({"text": before}), json.dumps(forged), json.dumps({"text": after})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "db.db"
    result = run_import(db, "--annotator", "alice", path)
    assert result.exit_code == 1, result.output
    assert "spans.jsonl:2: span 0-1000000 '\\x1b[2JPER' is outside the text" in result.output
    assert "\x1b" not in result.output
    assert before in stored_texts(db) and after in stored_texts(db)
    assert integrity_ok(db)


def test_a_file_name_holding_escape_codes_never_reaches_the_terminal(tmp_path: Path) -> None:
    """The name is data too: in the rejection, in the duplicates listed, in every line."""
    first, second = french_texts(2)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "\x1b[31mRED\x1b]0;title\x07\u202e.jsonl").write_text(
        '{"text": NaN}\n' + json.dumps({"text": first}) + "\n", encoding="utf-8"
    )
    (folder / "\x1b[2Jclear.txt").write_text(second, encoding="utf-8")
    db = tmp_path / "db.db"
    for _ in range(2):  # the second run lists every file's records as duplicates
        result = run_import(db, "-v", folder)
        assert result.exit_code == 1, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "\u202e" not in result.output
        assert "\\x1b[31mRED\\x1b]0;title\\x07\\u202e.jsonl:1" in result.output
    assert "\\x1b[2Jclear.txt = article" in result.output
    assert len(stored_texts(db)) == 2


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy"])
@pytest.mark.parametrize("meta", [["une", "liste"], "un texte", 3])
def test_a_meta_that_is_no_object_is_named_not_dropped(
    tmp_path: Path, fmt: str, meta: object
) -> None:
    """#13: a "meta" list or string was replaced by {} in silence; the record is refused."""
    before, bad, after = french_texts(3)
    path = tmp_path / "lot.jsonl"
    lines = [{"text": before, "meta": {"a": 1}}, {"text": bad, "meta": meta}, {"text": after}]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    db = tmp_path / "db.db"
    result = run_import(db, "--format", fmt, path)
    assert result.exit_code == 1, result.output
    assert 'lot.jsonl:2: "meta" must be a JSON object' in result.output
    assert stored_texts(db) == [before, after]
