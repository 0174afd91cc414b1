"""Same input, same store: re-runs, kill -9 and imports running together (issue #13, cases 8, 15).

Real `annotator import` processes on real database files; what they stored
is compared table by table with what one clean run stores.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.commands import annotator
from tests.core.corpus_files import _PARAGRAPHS

ARTICLES = 8_000
WORDS = " ".join(_PARAGRAPHS).split()


def article(rng: random.Random, number: int) -> str:
    return f"Dépêche {number}\n" + " ".join(rng.choices(WORDS, k=120))


def write_suggested(path: Path) -> None:
    """Articles of French words, each with two spans (as another tool's suggestions)."""
    rng = random.Random(13)
    with path.open("w", encoding="utf-8") as out:
        for i in range(ARTICLES):
            text = article(rng, i)
            word = text.split("\n")[1].split(" ")[3]
            start = text.index(word, len(f"Dépêche {i}\n"))
            spans = [
                {"start": 0, "end": 7, "label": "MISC"},
                {"start": start, "end": start + len(word), "label": "LOC"},
            ]
            out.write(json.dumps({"text": text, "spans": spans}, ensure_ascii=False) + "\n")


def run(*args: str) -> subprocess.CompletedProcess:
    return annotator(*args, timeout=600)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the columns that hold a time.

    The full-text index's own tables are left out: their pages depend on
    how the rows came in, not on what they are.
    """
    tables: dict[str, list[tuple]] = {}
    with sqlite3.connect(db) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'articles_fts%'"
                " AND name NOT LIKE '_sqlite_migrations'"
            )
        ]
        for name in names:
            columns = [
                r[1]
                for r in conn.execute(f"PRAGMA table_info({name})")
                if r[1] != "at" and not r[1].endswith("_at")
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f'SELECT {quoted} FROM "{name}"').fetchall()
            tables[name] = sorted(rows, key=repr)
    return tables


@pytest.mark.slow
def test_a_suggestions_import_killed_then_run_again_stores_what_one_clean_run_does(
    tmp_path: Path,
) -> None:
    source = tmp_path / "suggested.jsonl"
    write_suggested(source)
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    args = [str(source), "--format", "jsonl", "--as-suggestions"]
    first = run("import", *args, "--db", str(clean))
    assert first.returncode == 0, first.stderr

    process = start("import", *args, "--db", str(killed))
    deadline = time.monotonic() + 120
    while count(killed, "suggestions") == 0:  # the first batch is committed
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert 0 < count(killed, "articles") < ARTICLES
    again = run("import", *args, "--db", str(killed))
    assert again.returncode == 0, again.stderr

    assert dump(killed) == dump(clean)
    # A complete run again changes nothing either.
    third = run("import", *args, "--db", str(clean))
    assert third.returncode == 0, third.stderr
    assert f"{ARTICLES} article(s) of this input had its suggestions already" in third.stdout
    assert count(clean, "suggestions") == 2 * ARTICLES
    assert count(clean, "suggestion_sets") == 1


NEAR = 3_000


@pytest.mark.slow
def test_two_imports_at_once_cluster_each_others_near_duplicates(tmp_path: Path) -> None:
    rng = random.Random(5)
    texts = [article(rng, i) for i in range(NEAR)]
    ours, theirs = tmp_path / "ours.jsonl", tmp_path / "theirs.jsonl"
    ours.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")
    # The same dispatches with their last word changed: near-duplicates, every one.
    theirs.write_text(
        "".join(json.dumps({"text": t.rsplit(" ", 1)[0] + " fin"}) + "\n" for t in texts), "utf-8"
    )
    db = tmp_path / "corpus.db"
    assert run("import", "--db", str(db), str(tmp_path / "none.jsonl")).returncode == 1  # created
    both = [start("import", "--db", str(db), str(path)) for path in (ours, theirs)]
    for process in both:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2 * NEAR
        alone = conn.execute("SELECT count(*) FROM articles WHERE cluster IS NULL").fetchone()[0]
        clusters = conn.execute("SELECT count(DISTINCT cluster) FROM articles").fetchone()[0]
    assert alone == 0  # before: most of one file's articles were left out of any cluster
    assert clusters == NEAR
