"""Hostile databases given to the real `annotator merge`.

Whatever the other file holds, the merge ends with 0, 1 or 2 and a named
error, never a traceback; the other file is left as it was; nothing of its
triggers, views or extra tables reaches ours; our store passes
`assert_store_valid`; no temporary copy is left behind; every export of the
result reads back strictly.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.checks import (
    EXPORT_FORMATS,
    assert_clean_exit,
    assert_exports_valid,
    assert_store_valid,
    assert_written_only_under,
    export_sources,
    run,
    tree,
)
from tests.fuzz.conftest import FUZZ
from tests.fuzz.hostile_db import PWNED, apply, base_pair, copy_pair, mutations, recursive_view
from tests.fuzz.known import tolerated

# What a merge and its exports may write. Beside the other file, only what any
# SQLite reader of a WAL database makes (its shared-memory index, an empty log);
# the file itself must stay byte for byte as it was (checked below).
ROOT_FILES = ("ours.db", "exports", "tmp", "theirs/theirs.db-shm", "theirs/theirs.db-wal")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return base_pair(tmp_path_factory.mktemp("base"))


@contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """tempfile's folder moved into the example's own, to see what a merge leaves there."""
    folder.mkdir(exist_ok=True)
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema(path: Path) -> set[tuple[str, str]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return set(db.execute("SELECT type, name FROM sqlite_master"))


def check_merge(
    base: tuple[Path, Path], root: Path, changes: list, source: str | None = None
) -> None:
    """Everything that must hold after merging theirs, tampered with by `changes`, into ours."""
    ours, theirs = copy_pair(base, root)
    apply(theirs, changes)
    theirs_before, ours_schema = digest(theirs), schema(ours)
    before = tree(root)
    with temporary_files_in(root / "tmp"):
        result = run(["merge", "--db", str(ours), str(theirs)])
    assert_clean_exit(result, f"merge after {changes}")
    assert digest(theirs) == theirs_before, "merge wrote to the other database"
    wal = theirs.with_name(theirs.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "merge wrote to the other file's log"
    assert_written_only_under(before, tree(root), ROOT_FILES)
    assert not list((root / "tmp").iterdir()), "merge left temporary files behind"
    assert schema(ours) == ours_schema, "the other file's schema objects reached ours"
    with closing(sqlite3.connect(ours)) as db:
        names = [r[0] for r in db.execute("SELECT name FROM annotators")]
    assert not [n for n in names if PWNED in str(n)], f"the other file's SQL ran: {names}"
    assert_store_valid(ours)
    sources = export_sources(ours) if source is None else [source]
    assert_exports_valid(ours, root / "exports", EXPORT_FORMATS, sources=sources)


@FUZZ
@given(changes=mutations, source=st.sampled_from(["gold", "alice", "bob", "suggestions"]))
@example(changes=[["extra_table"]], source="alice")
@example(changes=[["drop", "annotations"]], source="alice")  # minimal: case 2
def test_any_other_database_is_merged_safely_or_refused(
    base: tuple[Path, Path], changes: list, source: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            check_merge(base, Path(tmp), changes, source)
        except AssertionError as error:
            if not tolerated(error, "merge"):
                raise


def test_an_untampered_merge_passes_every_check(base: tuple[Path, Path], tmp_path: Path) -> None:
    """The checks themselves: a clean merge of the app's own files passes them all."""
    check_merge(base, tmp_path, [])


def test_a_file_that_is_no_database_is_named(tmp_path: Path) -> None:
    ours = tmp_path / "ours.db"
    run(["import", "--db", str(ours), str(tmp_path / "none")])
    other = tmp_path / "theirs.db"
    other.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    result = run(["merge", "--db", str(ours), str(other)])
    assert_clean_exit(result, "merge of random bytes")
    assert result.exit_code != 0


def test_a_view_that_never_ends_does_not_hang_merge(
    base: tuple[Path, Path], tmp_path: Path
) -> None:
    ours, theirs = copy_pair(base, tmp_path)
    recursive_view(theirs)
    command = [sys.executable, "-m", "annotator", "merge", "--db", str(ours), str(theirs)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("merge still running after 10 s")
    assert done.returncode in (1, 2), done.stderr
    assert "Traceback" not in done.stderr
