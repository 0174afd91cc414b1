"""Ctrl+C during a long import: the store stays sound, and a re-run finishes."""

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

from annotator.core.store import Store
from tests.core.corpus_files import _PARAGRAPHS

ARTICLES = 15_000


def write_big_jsonl(path: Path) -> None:
    rng = random.Random(7)
    words = " ".join(_PARAGRAPHS).split()
    with path.open("w", encoding="utf-8") as out:
        for i in range(ARTICLES):
            text = f"Dépêche {i}\n" + " ".join(rng.choices(words, k=120))
            out.write(json.dumps({"text": text, "id": i}, ensure_ascii=False) + "\n")


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def start_import(source: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator", "import", str(source), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_some_articles(db: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while stored(db) == 0:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.mark.slow
@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_leaves_a_sound_store_and_a_rerun_finishes(tmp_path: Path, presses: int) -> None:
    source, db = tmp_path / "big.jsonl", tmp_path / "corpus.db"
    write_big_jsonl(source)
    process = start_import(source, db)
    wait_for_some_articles(db, process)
    for _ in range(presses):  # once: stop after the batch; twice: stop at once
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
    out, err = process.communicate(timeout=60)
    if presses == 1:
        assert process.returncode == 130, err
        assert "run the same command again" in err
    else:  # the second press may land after the command has already stopped
        assert process.returncode in (130, -signal.SIGINT), err
    with Store.open(db) as store:
        assert store.integrity_check() == []
        partial = store.articles.count()
        # Whole articles only: each stored row has its search and near-duplicate rows.
        assert store.db.execute("SELECT count(*) FROM article_minhash").fetchone()[0] == partial
        assert store.db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == partial
    assert 0 < partial < ARTICLES

    rerun = start_import(source, db)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert f"Imported {ARTICLES - partial} new article(s)" in out
    assert stored(db) == ARTICLES
