"""The regression corpus: every input that once failed, replayed through the same checks.

`corpus/cases.toml` lists them; an entry still failing carries `xfail` naming
its case of issue #13 (strict: when the fix lands the test turns red until the
line is removed).
"""

from __future__ import annotations

import json
import sqlite3
import tomllib
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.hostile_db import base_pair
from tests.fuzz.test_fuzz_import import check_import
from tests.fuzz.test_fuzz_merge import check_merge

CORPUS = Path(__file__).parent / "corpus"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))


def cases(kind: str) -> list[Any]:
    params = []
    for case in CASES.get(kind, []):
        name = Path(case.get("file") or case["files"][0]).stem
        marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
        params.append(pytest.param(case, id=name, marks=marks))
    return params


@pytest.mark.parametrize("case", cases("import"))
def test_import_corpus(case: dict[str, Any], tmp_path: Path) -> None:
    files = {}
    for name in case["files"]:
        on_disk = bytes.fromhex(case["name_hex"]) if "name_hex" in case else Path(name).name
        files[on_disk if isinstance(on_disk, bytes) else on_disk.encode()] = (
            CORPUS / name
        ).read_bytes()
    check_import(tmp_path, case["format"], files, case["mode"])
    if case.get("texts"):
        with closing(sqlite3.connect(tmp_path / "corpus.db")) as db:
            stored = {r[0] for r in db.execute("SELECT text FROM articles")}
        missing = [t for t in case["texts"] if t not in stored]
        assert not missing, f"not stored as written: {missing}; stored: {sorted(stored)}"


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return base_pair(tmp_path_factory.mktemp("base"))


@pytest.mark.parametrize("case", cases("merge"))
def test_merge_corpus(case: dict[str, Any], base: tuple[Path, Path], tmp_path: Path) -> None:
    changes = json.loads((CORPUS / case["file"]).read_text(encoding="utf-8"))
    check_merge(base, tmp_path, changes)
