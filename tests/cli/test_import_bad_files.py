"""Files an import cannot read are named, never waited on or passed over (#13, case 15).

Run as a user runs it: `annotator import` in its own process, with a time limit
(an import that opens a FIFO waits for ever).
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.bad_input import french_texts, integrity_ok, stored_texts

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _as_a_user() -> None:
    """In the child: root without the capabilities that read any folder, so modes apply."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def _import(db: Path, *paths: Path | str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "import", *map(str, paths), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_as_a_user,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX's")
def test_a_fifo_named_is_refused_without_being_opened(tmp_path: Path) -> None:
    (text,) = french_texts(1)
    fifo = tmp_path / "flux.txt"
    os.mkfifo(fifo)  # nobody writes to it: opening it to read would wait for ever
    good = tmp_path / "article.txt"
    good.write_text(text, encoding="utf-8")
    db = tmp_path / "db.db"
    result = _import(db, fifo, good)
    assert result.returncode == 1, result.stderr
    assert f"{fifo}: not a file to read (a FIFO); not opened" in result.stderr
    assert stored_texts(db) == [text]
    assert integrity_ok(db)


def test_an_unreadable_subfolder_is_named_and_the_others_read(tmp_path: Path) -> None:
    one, two = french_texts(2)
    folder = tmp_path / "lot"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "un.txt").write_text(one, encoding="utf-8")
    (folder / "b").mkdir()
    (folder / "b" / "deux.txt").write_text(two, encoding="utf-8")
    (folder / "b").chmod(0)
    db = tmp_path / "db.db"
    try:
        result = _import(db, folder)
    finally:
        (folder / "b").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert f"{folder / 'b'}: cannot read: Permission denied" in result.stderr
    assert stored_texts(db) == [one]
    assert integrity_ok(db)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX's")
def test_a_fifo_in_a_folder_is_skipped_and_listed_not_opened(tmp_path: Path) -> None:
    """#13, case F12: in a folder it is skipped like a file of another type (exit 0)."""
    (text,) = french_texts(1)
    folder = tmp_path / "lot"
    folder.mkdir()
    os.mkfifo(folder / "flux.txt")
    (folder / "article.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "db.db"
    result = _import(db, folder, "-v")
    assert result.returncode == 0, result.stderr
    assert f"{folder / 'flux.txt'} (a FIFO: not opened)" in result.stdout + result.stderr
    assert stored_texts(db) == [text]


def test_a_link_in_a_folder_is_skipped_and_a_link_named_is_read(tmp_path: Path) -> None:
    """#13, symlinks: `passwd.txt -> /etc/passwd` in a folder does not import /etc/passwd."""
    outside, inside = french_texts(2)
    secret = tmp_path / "ailleurs.txt"
    secret.write_text(outside, encoding="utf-8")
    elsewhere = tmp_path / "dossier"
    elsewhere.mkdir()
    (elsewhere / "autre.txt").write_text(outside, encoding="utf-8")
    folder = tmp_path / "lot"
    folder.mkdir()
    (folder / "article.txt").write_text(inside, encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "dossier").symlink_to(elsewhere, target_is_directory=True)
    db = tmp_path / "db.db"
    result = _import(db, folder, "-v")
    assert result.returncode == 0, result.stderr
    shown = result.stdout + result.stderr
    assert f"{folder / 'passwd.txt'} (a link: not followed)" in shown
    assert f"{folder / 'dossier'} (a link: not followed)" in shown
    assert stored_texts(db) == [inside]
    named = _import(db, folder / "passwd.txt")  # named on purpose: followed
    assert named.returncode == 0, named.stderr
    assert sorted(stored_texts(db)) == sorted([inside, outside])


def test_a_small_limit_is_said_in_characters(tmp_path: Path) -> None:
    """#13, cosmetic: not "0.0 million characters (the limit is 0.0 million)"."""
    (text,) = french_texts(1)
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    result = _import(tmp_path / "db.db", path, "--max-chars", "100")
    assert result.returncode == 1, result.stderr
    assert f"{len(text):,} characters (the limit is 100;" in result.stderr, result.stderr


def test_a_binary_text_file_is_refused_whole_naming_the_line_of_its_first_control_byte(
    tmp_path: Path,
) -> None:
    """#13, case F11: a .txt is one article, refused whole, but the line is named."""
    one, two = french_texts(2)
    path = tmp_path / "article.txt"
    path.write_bytes(f"{one}\n{two}\n".encode() + b"fin\x00de\x00page\n")
    result = _import(tmp_path / "db.db", path)
    assert result.returncode == 1, result.stderr
    assert f"{path}: binary file, not text (a control byte on line 3)" in result.stderr
