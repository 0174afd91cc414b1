"""The import's fast paths store exactly what the plain one stores.

A big JSON Lines file is read in pieces by worker processes, or by the
importing process itself while they start or when they cannot; spans the
importer checked are not checked again by the store, and the log entries of
imported spans are built as JSON text. Each path must leave the same store and
the same report as reading the file line by line in one process.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH

from annotator.core import importing, neardup
from annotator.core.importers.base import may_hold_surrogate
from annotator.core.importers.prepare import Prepared, Problem, pieces, prepare
from annotator.core.importing import ImportReport, import_paths
from annotator.core.progress import Progress
from annotator.core.records import ArticleDraft, Span
from annotator.core.store import Store
from tests.conftest import CORPUS, ROOT

_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00)?")
_WORD = re.compile(r"\w+")
_LABELS = ("PER", "ORG", "LOC", "MISC", "FIGURE", "DATE")
# PARALLEL_FROM, WORKERS, PIECE_BYTES of each way of reading a file.
_PATHS = {
    "lines": (1 << 62, None, importing.PIECE_BYTES),
    "pieces here": (0, 0, 3000),
    "workers": (0, 2, 3000),
}


def _sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    return [s.strip() + "." for s in text.replace("\n", " ").split(".") if len(s.strip()) > 20]


def _record(rng: random.Random, sentences: list[str]) -> dict[str, Any]:
    """An article of recombined sentences, with spans over some of its words."""
    text = sentences[rng.randrange(len(sentences))].rstrip(".") + "\n"
    text += " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 12)))
    words = list(_WORD.finditer(text))
    chosen = sorted(rng.sample(words, min(len(words), rng.randint(0, 25))), key=lambda m: m.start())
    spans = []
    for match in chosen:
        label = rng.choice(_LABELS)
        attrs = {"value": rng.randint(1, 9999)} if label == "FIGURE" else {}
        spans.append({"start": match.start(), "end": match.end(), "label": label, "attrs": attrs})
    return {"text": text, "title": None, "meta": {"n": rng.random()}, "spans": spans}


def _lines(record: dict[str, Any], kind: int) -> list[str]:
    """The record as a line of JSON Lines, or lines that go wrong in some way."""
    text, spans = record["text"], record["spans"]
    line = json.dumps(record, ensure_ascii=False)
    if kind == 0:  # CRLF line ends: offsets after the first line end move back
        moved = [dict(s, start=s["start"] + 1, end=s["end"] + 1) for s in spans]
        crlf = dict(record, text=text.replace("\n", "\r\n"), spans=moved)
        return [json.dumps(crlf, ensure_ascii=False)]
    if kind == 1:  # white space at the edges of spans, and a span outside the text
        wide = [dict(s, start=max(0, s["start"] - 1), end=s["end"] + 1) for s in spans]
        wide.append({"start": 3, "end": len(text) + 9, "label": "PER"})
        return [json.dumps(dict(record, spans=wide), ensure_ascii=False)]
    if kind == 2:  # decomposed accents and no spans, then a blank line
        return [json.dumps({"text": unicodedata.normalize("NFD", text)}), "   "]
    if kind == 3:  # broken JSON, a lone surrogate, a list, an empty article
        surrogate = line.replace('"title": null', '"title": "\\ud800"')
        return [line[:-3], surrogate, "[1, 2]", json.dumps({"text": " \n ", "spans": []})]
    if kind == 4:  # a near copy, then the same text with a space doubled (the same id)
        near = dict(record, text=text[:-30] + " une autre fin, tout autre.", spans=[])
        at = text.index(" ", 10)
        doubled = dict(record, text=text[:at] + " " + text[at:])
        doubled["spans"] = [s for s in spans if s["end"] < at]
        return [line, json.dumps(near, ensure_ascii=False), json.dumps(doubled, ensure_ascii=False)]
    if kind == 5:  # escaped as ASCII, an astral character, attributes of all kinds
        odd = [dict(s, attrs={"z": [1, "é", None], "a": 1.5}) for s in spans[:2]]
        return [json.dumps(dict(record, text=text + " 😀", spans=odd + spans[2:]))]
    return [line]


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(4)
    sentences = _sentences()
    lines: list[str] = []
    for n in range(400):
        lines += _lines(_record(rng, sentences), n % 13)
        if n % 17 == 5:
            lines.append(lines[rng.randrange(len(lines))])  # an exact copy, read again
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode("utf-8"))  # no last line end
    return path


def _digest(reports: list[ImportReport], db: Path, progress: list[Progress]) -> dict[str, Any]:
    """The reports, the progress, every table (timestamps masked) and some searches."""
    out: dict[str, Any] = {"progress": [(p.done, p.total) for p in progress]}
    for n, report in enumerate(reports):
        out[f"report {n}"] = {
            k: [str(x) for x in v] if isinstance(v, list) else v for k, v in vars(report).items()
        }
    conn = sqlite3.connect(db)
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        " AND name NOT LIKE 'articles_fts%' AND name NOT LIKE '%migrations'"
    ).fetchall()
    for (table,) in tables:
        rows = conn.execute(f"SELECT * FROM {table}").fetchall()
        masked = [tuple(_STAMP.sub("T", v) if isinstance(v, str) else v for v in r) for r in rows]
        out[table] = sorted(masked, key=repr)
    for word in ("Alep", "defense", "ministre", "Choïgou"):
        found = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", [word])
        out[word] = sorted(found.fetchall())
    conn.close()
    return out


def _imported(
    db: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch, way: str, **kwargs: Any
) -> dict[str, Any]:
    """Import the files one way, twice (the second time, all duplicates); the digest.

    As suggestions, once: a second import makes a second suggestion set, or not,
    as the clock has turned a second or not.
    """
    for name, value in zip(("PARALLEL_FROM", "WORKERS", "PIECE_BYTES"), _PATHS[way], strict=True):
        monkeypatch.setattr(importing, name, value)
    seen: list[Progress] = []
    with Store.open(db) as store:
        reports = [
            import_paths(store, files, batch_size=61, progress=seen.append, **kwargs)
            for _ in range(1 if kwargs.get("as_suggestions") else 2)
        ]
        assert store.integrity_check() == []
        store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    return _digest(reports, db, seen)


@pytest.mark.parametrize(
    "kwargs",
    [{"annotator": "alice"}, {"as_suggestions": True}, {}],
    ids=["annotator", "suggestions", "spans-ignored"],
)
def test_pieces_read_here_or_by_workers_store_what_lines_read_one_by_one_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big_file: Path, kwargs: dict[str, Any]
) -> None:
    small = tmp_path / "small.jsonl"  # read line by line whatever the way: it is small
    small.write_text(big_file.read_text(encoding="utf-8-sig").split("\n", 40)[40], "utf-8")
    files = [big_file, small]
    lines = _imported(tmp_path / "lines.db", files, monkeypatch, "lines", **kwargs)
    first = lines["report 0"]
    assert len(lines["articles"]) > 350 and first["problems"]
    assert first["near_duplicates"] and first["duplicates"]
    assert first["spans"] + first["spans_ignored"] > 3000
    for way in ("pieces here", "workers"):
        other = _imported(tmp_path / f"{way}.db", files, monkeypatch, way, **kwargs)
        for part, expected in lines.items():
            assert other[part] == expected, (way, part)


def test_an_import_in_pieces_stops_when_asked_and_running_it_again_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, big_file: Path
) -> None:
    for name, value in zip(("PARALLEL_FROM", "WORKERS", "PIECE_BYTES"), (0, 1, 3000), strict=True):
        monkeypatch.setattr(importing, name, value)
    seen: list[Progress] = []
    with Store.open(tmp_path / "stopped.db") as store:
        stopped = import_paths(
            store,
            [big_file],
            annotator="alice",
            batch_size=50,
            progress=seen.append,
            cancelled=lambda: len(seen) >= 120,
        )
        assert stopped.cancelled and len(seen) == 120
        assert [p.done for p in seen] == sorted(p.done for p in seen) and seen[-1].done < seen[
            -1
        ].total
        assert store.articles.count() == len(stopped.added) > 50  # the batch in hand: stored
        rest = import_paths(store, [big_file], annotator="alice", batch_size=50)
        ids = set(store.articles.ids())
    with Store.open(tmp_path / "whole.db") as store:
        whole = import_paths(store, [big_file], annotator="alice", batch_size=50)
        assert set(store.articles.ids()) == ids
    assert not rest.cancelled and len(stopped.added) + len(rest.added) == len(whole.added)
    assert stopped.spans + rest.spans == whole.spans


def test_without_a_main_guard_workers_cannot_start_and_the_import_goes_on_alone(
    tmp_path: Path, big_file: Path
) -> None:
    """A script with no ``if __name__ == "__main__"``: each spawned worker runs it and dies."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        "from annotator.core import importing\n"
        "from annotator.core.store import Store\n"
        "importing.PARALLEL_FROM, importing.WORKERS, importing.PIECE_BYTES = 0, 1, 3000\n"
        "store = Store.open(sys.argv[1])\n"
        "report = importing.import_paths(store, [sys.argv[2]], annotator='alice')\n"
        "print(len(report.added), report.spans, len(report.problems))\n"
        "store.close()\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "alone.db"), str(big_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    with Store.open(tmp_path / "lines.db") as store:
        expected = import_paths(store, [big_file], annotator="alice")
    counts = f"{len(expected.added)} {expected.spans} {len(expected.problems)}"
    assert done.stdout.strip().splitlines()[-1] == counts


def test_workers_interrupted_while_stopping_are_stopped_and_the_process_exits(
    tmp_path: Path,
) -> None:
    """Ctrl+C again while the workers finish their pieces: nothing may wait for them for ever."""
    script = tmp_path / "interrupted.py"
    script.write_text(
        "import signal, time\n"
        "from annotator.core.importing import _Workers\n"
        "def interrupt(*args):\n"
        "    raise KeyboardInterrupt\n"
        "if __name__ == '__main__':\n"
        "    workers = _Workers(1)\n"
        "    while not workers._started():\n"
        "        time.sleep(0.05)\n"
        "    asleep = workers._submit(time.sleep, 30)\n"
        "    while not asleep.running():\n"
        "        time.sleep(0.05)\n"
        "    signal.signal(signal.SIGALRM, interrupt)\n"
        "    signal.setitimer(signal.ITIMER_REAL, 0.5)\n"
        "    try:\n"
        "        workers.close()\n"
        "    except KeyboardInterrupt:\n"
        "        print('interrupted')\n",
        encoding="utf-8",
    )
    done = subprocess.run(  # without stopping the worker: 30 s, then waiting for ever
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 0 and done.stdout.strip() == "interrupted", done.stderr


def test_workers_do_not_outlive_an_importing_process_killed(tmp_path: Path) -> None:
    script = tmp_path / "killed.py"
    script.write_text(
        "import os, signal, time\n"
        "from annotator.core.importing import _Workers\n"
        "if __name__ == '__main__':\n"
        "    workers = _Workers(1)\n"
        "    while not workers._started():\n"
        "        time.sleep(0.05)\n"
        "    print(workers._submit(os.getpid).result(), flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True)
    worker = int(done.stdout)
    deadline = time.monotonic() + 10
    while _alive(worker):
        assert time.monotonic() < deadline, "the worker outlived its importing process"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_pieces_are_whole_lines_numbered_as_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    body = b"a\n" + b"x" * 50 + b"\n\nbb\n" + b"y" * 7  # a long line, a blank one, no last end
    path.write_bytes(body)
    cut = list(pieces(path, "jsonl", 8))
    assert b"".join(body[p.offset : p.offset + p.length] for p in cut) == body
    assert all(body[p.offset + p.length - 1] == ord("\n") for p in cut[:-1])
    assert [p.line for p in cut] == [1 + body.count(b"\n", 0, p.offset) for p in cut]
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert list(pieces(empty, "jsonl", 8)) == []


def test_the_log_entry_of_imported_spans_is_the_json_of_what_it_holds(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "one.txt"
    path.write_text("Le 3 mars, Élodie Durand a vu 12 000 personnes à Saint-Étienne.", "utf-8")
    (article_id,) = import_paths(store, [path]).added
    spans = [
        Span(3, 9, "DATE"),
        Span(11, 24, "PER", {"rôle": "témoin", "n": [1, 2.5, None, True], "a": {"b": "«c»"}}),
        Span(30, 36, "FIGURE", {"value": 12000}),
        Span(49, 62, 'LöC"x"\\', {}),
    ]
    assert store.annotations.import_many("alice", {article_id: spans}) == {article_id: 4}
    (after,) = store.db.execute(
        "SELECT after FROM events WHERE kind = 'annotations.import'"
    ).fetchone()
    state = json.loads(after)
    assert after == json.dumps(state, ensure_ascii=False, sort_keys=True)
    ids = [a.id for a in store.annotations.for_article(article_id, "alice")]
    logged = [[i, s.start, s.end, s.label, s.attrs] for i, s in zip(ids, spans, strict=True)]
    assert state["annotations"] == logged and state["status"]["status"] == "done"


def test_spans_with_a_blank_or_forging_label_refuse_their_article_whole() -> None:
    def draft(label: str) -> ArticleDraft:
        spans = (Span(7, 11, "LOC"), Span(0, 5, label))
        return ArticleDraft("Paris, Lyon.", None, "f.jsonl", spans=spans, where="f.jsonl:3")

    assert isinstance(prepare(draft("LOC"), True), Prepared)
    for label in (" ", "LOC\tT9", "PER\n"):
        refused = prepare(draft(label), True)
        assert isinstance(refused, Problem) and refused.where == "f.jsonl:3"
        assert refused.message.endswith("; article not stored")


def test_only_bytes_that_can_make_a_surrogate_are_looked_at_again() -> None:
    for raw in (
        b'{"text": "\\ud800"}',
        b'{"text": "\\uDFFF"}',
        b'{"text": "\\ud83c\\uddeb"}',  # a pair: looked at, and found whole
        b'{"text": "\xed\xa0\x80"}',  # a surrogate's bytes, which json.loads lets through
        '{"text": "x"}'.encode("utf-16"),
    ):
        assert may_hold_surrogate(raw), raw
    for raw in (b'{"text": "\\u00e9t\xc3\xa9"}', '{"text": "한국 ✓"}'.encode(), b"{}"):
        assert not may_hold_surrogate(raw), raw


def test_permutations_and_bands_are_datasketchs() -> None:
    a, b = MinHash(num_perm=neardup.NUM_PERM, scheme="affine32", hashfunc=int).permutations
    assert np.array_equal(a, neardup._A) and np.array_equal(b, neardup._B)
    lsh = MinHashLSH(threshold=neardup.THRESHOLD, num_perm=neardup.NUM_PERM)
    assert list(lsh.hashranges) == neardup._BANDS
