"""How long `annotator merge` holds the write lock, as a window on the same file feels it.

Builds a laptop database of N articles with alice's finished work
(tests/core/merge_corpus.py), merges it by command into an empty database
while another connection takes the write lock (BEGIN IMMEDIATE; COMMIT)
every 10 ms, as a window's action would, and prints the longest wait and
the merge's time. `python benchmarks/bench_merge.py [N] [DIR]` (N=2000).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.store import Store
from tests.core.merge_corpus import big_laptop


def longest_wait(ours: Path, running: threading.Event, waits: list[float]) -> None:
    conn = sqlite3.connect(ours, timeout=600, isolation_level=None)
    while running.is_set():
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")
        waits.append(time.perf_counter() - started)
        time.sleep(0.01)
    conn.close()


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp())
    theirs, ours = folder / "theirs.db", folder / "ours.db"
    for path in (theirs, ours):
        path.unlink(missing_ok=True)
    big_laptop(theirs, articles)
    Store.open(ours).close()
    running, waits = threading.Event(), []
    running.set()
    prober = threading.Thread(target=longest_wait, args=(ours, running, waits))
    prober.start()
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "annotator", "merge", str(theirs), "--db", str(ours)], check=True
    )
    took = time.perf_counter() - started
    running.clear()
    prober.join()
    waits.sort(reverse=True)
    print("longest waits:", [round(w, 3) for w in waits[:5]])
    print(f"{articles} articles merged in {took:.1f} s; a writer waited at most"
          f" {max(waits):.3f} s ({len(waits)} tries)")


if __name__ == "__main__":
    main()
