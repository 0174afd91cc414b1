"""Merge writes an article at a time, whole (issue #13, cases 12 and 15).

The old merge was one transaction: a window on the same database waited for
all of it (~10 s on a big file) and lost the key pressed meanwhile; and it
worked on a copy of the other file in the temporary folder, left behind
(57 MB) when it was killed. Now each article comes in with all its work in
one short transaction, a merge stopped or killed half-way leaves whole
articles only, running it again finishes it, and no copy is made.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from annotator.core.progress import Progress
from annotator.core.store import Store
from annotator.core.store.merge import merge
from tests.core.merge_corpus import big_laptop


def command(other: Path, into: Path, tmp: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator", "merge", str(other), "--db", str(into)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp)},
    )


def articles_in(path: Path) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def work(path: Path) -> dict[str, tuple]:
    """{article: (alice's spans, her status)}: what merge brings, without times or ids."""
    with closing(sqlite3.connect(path)) as conn:
        spans = conn.execute(
            'SELECT article_id, start, "end", label, attrs, origin FROM annotations'
            " ORDER BY 1, 2, 3"
        ).fetchall()
        statuses = dict(conn.execute("SELECT article_id, status FROM article_status"))
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
    return {
        i: (tuple(s[1:] for s in spans if s[0] == i), statuses.get(i)) for i in ids
    }


def assert_whole(path: Path) -> None:
    """Every article there has all of alice's work: three spans, done."""
    for article, (spans, status) in work(path).items():
        assert len(spans) == 3 and status == "done", article
    with Store.open(path) as store:
        assert store.integrity_check() == []


def test_a_cancelled_merge_leaves_whole_articles_and_a_rerun_finishes(tmp_path: Path) -> None:
    theirs = big_laptop(tmp_path / "theirs.db", 120)
    clean = tmp_path / "clean.db"
    with Store.open(clean) as store:
        merge(store, theirs)
    seen: list[Progress] = []
    ours = tmp_path / "ours.db"
    with Store.open(ours) as store:
        report = merge(store, theirs, progress=seen.append, cancelled=lambda: len(seen) >= 50)
    assert report.cancelled and seen[-1].done == 50 and seen[-1].total == 120
    assert articles_in(ours) == 50
    assert_whole(ours)
    with Store.open(ours) as store:
        again = merge(store, theirs)
    assert not again.cancelled and again.articles == 70
    assert work(ours) == work(clean)


def test_a_killed_merge_leaves_whole_articles_no_copy_and_a_rerun_finishes(
    tmp_path: Path,
) -> None:
    theirs = big_laptop(tmp_path / "theirs.db", 1500)
    ours, temporary = tmp_path / "ours.db", tmp_path / "tmp"
    temporary.mkdir()
    Store.open(ours).close()
    running = command(theirs, ours, temporary)
    deadline = time.monotonic() + 120
    seen = 0
    while seen < 30 and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        seen = articles_in(ours)
    running.send_signal(signal.SIGKILL)
    running.wait()
    seen = articles_in(ours)

    assert 0 < seen < 1500, "articles come in one by one, not all at the end"
    assert_whole(ours)
    assert list(temporary.iterdir()) == []  # no copy of their file left behind

    rerun = command(theirs, ours, temporary)
    assert rerun.wait(timeout=300) == 0, rerun.stderr.read() if rerun.stderr else ""
    clean = tmp_path / "clean.db"
    with Store.open(clean) as store:
        merge(store, theirs)
    assert work(ours) == work(clean)
    assert_whole(ours)


def test_a_merge_killed_at_once_leaves_no_copy_behind(tmp_path: Path) -> None:
    """The old merge copied the other file first; killed then, the copy stayed."""
    theirs = big_laptop(tmp_path / "theirs.db", 1500)
    ours, temporary = tmp_path / "ours.db", tmp_path / "tmp"
    temporary.mkdir()
    Store.open(ours).close()
    running = command(theirs, ours, temporary)
    deadline = time.monotonic() + 120
    # Killed mid-merge: once a copy is made (the old way) or an article is in.
    while running.poll() is None and time.monotonic() < deadline:
        if any(temporary.iterdir()) or articles_in(ours):
            break
        time.sleep(0.005)
    assert running.poll() is None, "killed before it ended"
    running.send_signal(signal.SIGKILL)
    running.wait()
    assert list(temporary.iterdir()) == []
