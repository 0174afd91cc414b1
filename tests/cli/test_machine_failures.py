"""Failures of the machine through the real command: one line naming the file, exit status 2.

A read-only file or folder, a parent path that is a file, damaged pages, a
full disk: each is said in one line, never a traceback, and the store stays
sound. The reading commands work on a database they may not write.

Permissions do not stop root: run as root (a container, CI as root), a
folder is made read-only by a read-only bind mount of itself (a real
read-only file system), and the tests skip when that cannot be done.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.commands import annotator
from tests.conftest import CORPUS, SEED_GOLD

AS_ROOT = os.geteuid() == 0


run = annotator


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The message of a command that could not run: exit 2, one `Error:` line, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(db: Path) -> str:
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def articles_in(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Makes a folder and what it holds read-only for this process (undone after)."""
    mounted: list[Path] = []
    changed: list[Path] = []

    def make(folder: Path) -> None:
        if AS_ROOT:
            for args in (["--bind", folder, folder], ["-o", "remount,ro,bind", folder, folder]):
                done = subprocess.run(["mount", *map(str, args)], capture_output=True, text=True)
                if done.returncode != 0:
                    pytest.skip(f"root ignores file modes and mount failed: {done.stderr.strip()}")
                if not mounted or mounted[-1] != folder:
                    mounted.append(folder)
            return
        for path in [*folder.rglob("*"), folder]:
            path.chmod(0o555 if path.is_dir() else 0o444)
            changed.append(path)

    yield make
    for folder in reversed(mounted):
        subprocess.run(["umount", str(folder)], check=True)
    for path in changed:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture
def team_db(tmp_path: Path) -> Path:
    """Two annotators' finished work on the seed gold articles (so agreement can run)."""
    db = tmp_path / "team.db"
    for name in ("alice", "bob"):
        result = run("import", SEED_GOLD, "--annotator", name, "--db", db)
        assert result.returncode == 0, result.stderr
    return db


def read_only_copy(db: Path, folder: Path, read_only: Callable[[Path], None]) -> Path:
    """`db` in a read-only folder of its own (closed cleanly: no -shm beside it)."""
    folder.mkdir()
    copy = folder / db.name
    shutil.copyfile(db, copy)
    read_only(folder)
    return copy


# -- read-only database --------------------------------------------------------


def test_reading_commands_work_on_a_read_only_database_in_a_read_only_folder(
    team_db: Path, tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    db = read_only_copy(team_db, tmp_path / "ro", read_only)
    before = digest(db)
    out = tmp_path / "out"

    listed = run("list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert "48de4ab37e31cc6d" in listed.stdout and "7512d80e9821d554" in listed.stdout
    stats = run("stats", "--db", db, "--json")
    assert stats.returncode == 0, stats.stderr
    assert '"articles": 2' in stats.stdout
    agreement = run("agreement", "--db", db)
    assert agreement.returncode == 0, agreement.stderr
    assert "Agreement of alice, bob over 2 article(s)" in agreement.stdout
    evaluated = run("evaluate", "--db", db, "--source", "alice", "--against", "bob")
    assert evaluated.returncode == 0, evaluated.stderr
    # JSONL reads spans; CoNLL needs tokens, which a read-only store cannot keep.
    for fmt, target in (("jsonl", out / "alice.jsonl"), ("conll", out / "alice.conll")):
        exported = run("export", "--db", db, "--format", fmt, "--source", "alice",
                       "--out", target)  # fmt: skip
        assert exported.returncode == 0, exported.stderr
        assert "Wrote 2 article(s)" in exported.stdout
        assert target.stat().st_size > 1000

    assert digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]  # no -shm, no backup


def test_merge_reads_a_database_in_a_read_only_folder(
    team_db: Path, tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    """#13 retest F7: merge only reads the other file, as the reading commands do."""
    other = read_only_copy(team_db, tmp_path / "ro", read_only)
    before = digest(other)
    mine = tmp_path / "mine.db"

    merged = run("merge", "--db", mine, other)

    assert merged.returncode == 0, merged.stderr
    assert "2 article(s), 4 annotator version(s)" in merged.stdout
    assert articles_in(mine) == 2 and integrity(mine) == "ok"
    assert digest(other) == before
    assert sorted(p.name for p in other.parent.iterdir()) == [other.name]


@pytest.mark.skipif(AS_ROOT, reason="root may write any file whatever its mode")
def test_reading_commands_work_on_a_read_only_file_in_a_writable_folder(
    team_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "rw" / "team.db"
    db.parent.mkdir()
    shutil.copyfile(team_db, db)
    db.chmod(0o444)
    before = digest(db)

    listed = run("list", "--db", db, "--json")

    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count('"id"') == 2
    assert digest(db) == before


def test_a_writing_command_on_a_read_only_database_says_so(
    team_db: Path, tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    db = read_only_copy(team_db, tmp_path / "ro", read_only)
    before = digest(db)

    message = one_line_error(run("import", CORPUS, "--db", db))

    assert str(db) in message and "read-only" in message
    assert digest(db) == before


def test_a_read_only_folder_without_the_database_names_it(
    tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    read_only(folder)

    message = one_line_error(run("list", "--db", folder / "none.db"))

    assert f"{folder / 'none.db'}: no database there" in message


def test_a_read_only_database_that_needs_upgrading_is_refused_by_name(
    team_db: Path, tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    older = tmp_path / "older.db"
    shutil.copyfile(team_db, older)
    with contextlib.closing(sqlite3.connect(older)) as conn:  # as an older version left it
        conn.execute("DELETE FROM _sqlite_migrations WHERE id = (SELECT max(id) FROM"
                     " _sqlite_migrations)")  # fmt: skip
        conn.commit()
    db = read_only_copy(older, tmp_path / "ro", read_only)
    before = digest(db)

    message = one_line_error(run("stats", "--db", db))

    assert f"{db} needs upgrading to this version of Annotator, but it is read-only" in message
    assert digest(db) == before


# -- paths that cannot be written ----------------------------------------------


def test_an_unwritable_export_folder_is_named(
    team_db: Path, tmp_path: Path, read_only: Callable[[Path], None]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    read_only(locked)

    for fmt, target in (("jsonl", locked / "a.jsonl"), ("brat", locked / "brat")):
        result = run("export", "--db", team_db, "--format", fmt, "--source", "alice",
                     "--out", target)  # fmt: skip
        message = one_line_error(result)
        assert str(target) in message, message
        assert "Permission denied" in message or "read-only" in message, message
    assert list(locked.iterdir()) == []


def test_a_parent_path_that_is_a_file_is_named(team_db: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")

    message = one_line_error(run("import", CORPUS, "--db", blocker / "corpus.db"))
    assert f"{blocker} is a file, not a folder" in message
    for fmt, target in (("jsonl", blocker / "out.jsonl"), ("brat", blocker / "deep" / "brat")):
        result = run("export", "--db", team_db, "--format", fmt, "--source", "alice",
                     "--out", target)  # fmt: skip
        message = one_line_error(result)
        assert str(target) in message and f"{blocker} is a file, not a folder" in message
    assert blocker.read_text(encoding="utf-8") == "a file, not a folder\n"


# -- damaged pages -------------------------------------------------------------


def test_damaged_pages_are_named_by_every_command(team_db: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(team_db, damaged)
    page = 4096
    assert damaged.stat().st_size > 8 * page
    with damaged.open("r+b") as file:  # pages 3 to 6 overwritten: b-tree pages torn
        file.seek(2 * page)
        file.write(b"\xa5" * (4 * page))

    for args in (
        ("list",),
        ("stats",),
        ("export", "--source", "alice", "--out", tmp_path / "x.jsonl"),
        ("import", CORPUS),
    ):
        message = one_line_error(run(*args, "--db", damaged))
        assert f"database {damaged}" in message or str(damaged) in message, message
        assert "damaged" in message or "malformed" in message, message


# -- a full disk ---------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB file system (tmpfs), where one can mount (root, Linux)."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    ) if AS_ROOT and shutil.which("mount") else None  # fmt: skip
    if made is None or made.returncode != 0:
        pytest.skip("a small file system needs mount (root on Linux): " + (
            made.stderr.strip() if made is not None else "not root"))  # fmt: skip
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def many_articles(path: Path, n: int) -> Path:
    """`n` different articles (about 2.5 KB each) of real French text, as JSONL."""
    text = (CORPUS / sorted(os.listdir(CORPUS))[0]).read_text(encoding="utf-8")
    with path.open("w", encoding="utf-8") as file:
        for i in range(n):
            file.write(json.dumps({"text": f"Dépêche {i}.\n{text}"}, ensure_ascii=False) + "\n")
    return path


def test_a_full_disk_is_said_in_one_line_and_the_store_stays_sound(
    small_disk: Path, tmp_path: Path
) -> None:
    db = small_disk / "corpus.db"
    assert run("import", CORPUS, "--db", db).returncode == 0
    big = many_articles(tmp_path / "big.jsonl", 1000)  # more than the disk has room for

    message = one_line_error(run("import", big, "--db", db))

    assert f"database {db}: the disk is full" in message
    assert integrity(db) == "ok"
    assert articles_in(db) >= 2
    listed = run("list", "--db", db, "--limit", "2")
    assert listed.returncode == 0 and "48de4ab37e31cc6d" in listed.stdout


def test_an_export_to_a_full_disk_is_named_and_leaves_no_file(
    small_disk: Path, team_db: Path
) -> None:
    with (small_disk / "filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
        while True:  # every byte there is
            filler.write(b"\0" * 4096)
    target = small_disk / "alice.jsonl"

    message = one_line_error(run("export", "--db", team_db, "--source", "alice", "--out", target))

    assert str(target) in message and "the disk is full" in message
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_file_size_limit_is_said_in_one_line_and_the_store_stays_sound(tmp_path: Path) -> None:
    """A limit every user can set (ulimit -f): writes past it fail as on a full disk."""
    db = tmp_path / "corpus.db"
    assert run("import", CORPUS, "--db", db).returncode == 0
    big = many_articles(tmp_path / "big.jsonl", 1000)
    limit = db.stat().st_size + 256 * 1024

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error from write(), not a signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    message = one_line_error(run("import", big, "--db", db, preexec=limited))

    assert f"database {db}" in message
    assert integrity(db) == "ok"
    assert articles_in(db) >= 2


# -- what is not the machine's keeps its traceback ------------------------------


def test_errors_of_our_own_are_not_taken_for_the_machine(tmp_path: Path) -> None:
    from annotator.cli.failures import machine_failure

    with contextlib.closing(sqlite3.connect(tmp_path / "x.db")) as conn:
        conn.execute("CREATE TABLE t (a INTEGER UNIQUE)")
        conn.execute("INSERT INTO t VALUES (1)")
        errors = []
        for sql in ("SELECT nothing FROM t", "INSERT INTO t VALUES (1)", "SELEC 1"):
            try:
                conn.execute(sql)
            except sqlite3.Error as error:
                errors.append(error)
    assert len(errors) == 3
    for error in errors:  # a wrong column, a broken constraint, bad SQL: bugs
        assert machine_failure(error, tmp_path / "x.db") is None, error
    assert machine_failure(ValueError("bug"), None) is None
    assert machine_failure(BrokenPipeError(32, "Broken pipe"), None) is None
    full = machine_failure(OSError(28, "No space left on device", "/data/out.jsonl"), None)
    assert full == "'/data/out.jsonl': the disk is full"
