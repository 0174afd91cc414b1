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


def _import(db: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
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
