"""Hostile files for every importer, through the real `annotator import`.

Whatever the input, the command ends with 0, 1 or 2 and a named error (never a
traceback), the store passes `assert_store_valid`, running the same import
again changes nothing, nothing is written outside the database's folder, and
every export of the result reads back strictly.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.records import Span
from annotator.core.store import Store
from annotator.core.text import clean_text
from tests.fuzz.checks import (
    assert_clean_exit,
    assert_exports_valid,
    assert_store_valid,
    assert_written_only_under,
    export_sources,
    run,
    tree,
)
from tests.fuzz.conftest import FUZZ
from tests.fuzz.known import tolerated
from tests.fuzz.strategies import FORMATS, Files, cli_format, good, write_files

MODES = {"annotator": ["--annotator", "fuzz"], "suggestions": ["--as-suggestions"], "plain": []}
COUNTED = ("articles", "annotations", "suggestions", "suggestion_sets", "article_status")


def counts(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


def check_import(root: Path, fmt: str, files: Files, mode: str, exports: bool = True) -> None:
    """Everything that must hold after importing `files` as `fmt` in `mode`."""
    inputs, db = root / "input", root / "corpus.db"
    write_files(inputs, files)
    args = ["import", "--db", str(db), "--format", cli_format(fmt), *MODES[mode], str(inputs)]
    before = tree(root)
    first = run(args)
    assert_clean_exit(first, f"import {fmt} ({mode})")
    assert_written_only_under(before, tree(root), ["corpus.db"])
    if not db.exists():
        return
    assert_store_valid(db)
    stored = counts(db)
    again = run(args)
    assert_clean_exit(again, f"import {fmt} ({mode}), run again")
    assert counts(db) == stored, f"the same import run twice stored more ({mode})"
    if exports:
        source = {"annotator": "fuzz", "suggestions": "suggestions", "plain": "gold"}[mode]
        if source in export_sources(db):
            assert_exports_valid(db, root / "exports", sources=[source])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(data=st.data(), mode=st.sampled_from(sorted(MODES)))
def test_any_input_is_imported_whole_or_named(fmt: str, data: st.DataObject, mode: str) -> None:
    files = data.draw(FORMATS[fmt], label="files")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            check_import(Path(tmp), fmt, files, mode)
        except AssertionError as error:
            if not tolerated(error, "import"):
                raise


def test_a_file_name_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    """A file name in bytes that are not UTF-8 (a Latin-1 disk) is read or named."""
    check_import(tmp_path, "txt", {b"caf\xe9.txt": "Le café de Lyon a fermé.".encode()}, "plain")
    assert os.listdir(os.fsencode(tmp_path / "input")) == [b"caf\xe9.txt"]


@pytest.mark.slow
def test_the_whole_corpus_in_one_real_process(tmp_path: Path) -> None:
    """End to end, as a user runs it: every corpus input at once, one `annotator` process."""
    db = tmp_path / "corpus.db"
    corpus = Path(__file__).parent / "corpus" / "import"
    command = [sys.executable, "-m", "annotator", "import", "--db", str(db), str(corpus)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 1, done.stderr  # some input refused, named; the rest stored
    with closing(sqlite3.connect(db)) as conn:
        texts = {r[0] for r in conn.execute("SELECT text FROM articles")}
    assert "Le maire de Lyon a reçu 300 lettres de soutien mardi." in texts


@st.composite
def quoted_text(draw: st.DrawFn) -> str:
    """A real text with quotes, separators and line breaks put in: what CSV must carry."""
    text = draw(good)["text"]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        put = draw(st.sampled_from(['"', '""', ",", ";", "\t", "\n", '"non"']))
        text = text[:at] + put + text[at:]
    return text


@FUZZ
@given(texts=st.lists(quoted_text(), min_size=1, max_size=4), delimiter=st.sampled_from(",;\t"))
def test_every_text_of_a_valid_csv_is_stored_as_written(texts: list[str], delimiter: str) -> None:
    """RFC 4180, as Python's csv module writes it: each text comes back whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["text", "title"])
    writer.writerows([text, "Titre"] for text in texts)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        check_import(root, "csv", {b"articles.csv": buffer.getvalue().encode()}, "plain", False)
        with closing(sqlite3.connect(root / "corpus.db")) as conn:
            stored = {r[0] for r in conn.execute("SELECT text FROM articles")}
    missing = [t for t in texts if clean_text(t) not in stored and clean_text(t)]
    try:
        assert not missing, f"not stored as written: {missing}; stored: {stored}"
    except AssertionError as error:
        if not tolerated(error, "import"):
            raise


@pytest.mark.slow
def test_an_article_longer_than_spacy_takes_is_exported_whole(tmp_path: Path) -> None:
    """Over spaCy's million characters (its E088): the token formats still export it whole."""
    line = "Le maire de Lyon a reçu 300 lettres de soutien mardi.\n"
    text = line * (1_000_000 // len(line) + 200)
    check_import(tmp_path, "txt", {b"long.txt": text.encode()}, "plain", exports=False)
    db = tmp_path / "corpus.db"
    with Store.open(db) as store:
        (only,) = store.articles.ids()
        store.annotations.add("ann", only, Span(12, 16, "LOC"))
    assert_exports_valid(db, tmp_path / "exports", ("conll", "spacy"), sources=["ann"])
    out = tmp_path / "all.conll"
    args = ["export", "--db", str(db), "--format", "conll", "--out", str(out), "--source", "ann"]
    result = run([*args, "--status", "all"])
    assert_clean_exit(result, "conll export of a long article")
    rows = out.read_text(encoding="utf-8").split("\n")
    assert len([r for r in rows if r.startswith("Lyon ")]) == text.count("Lyon")
