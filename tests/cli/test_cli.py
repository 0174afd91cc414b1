"""The `annotator` command, run as a user runs it: a separate process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from annotator.cli.main import cli
from tests.conftest import ROOT
from tests.core.corpus_files import ARTICLES, BAD_FILES, write_mixed_folder


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "annotator", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_import_then_stats_then_import_again(db_path: Path, corpus_dir: Path) -> None:
    first = run("import", corpus_dir, "--db", db_path)
    assert first.returncode == 0, first.stderr
    assert "Imported 2 new article(s) from 2 file(s)" in first.stdout
    stats = json.loads(run("stats", "--db", db_path, "--json").stdout)
    assert stats["articles"] == 2 and stats["words"] > 800
    assert {"suggestions", "annotators", "labels"} <= stats.keys()
    again = run("import", corpus_dir, "--db", db_path)
    assert again.returncode == 0
    assert "Imported 0 new article(s)" in again.stdout
    assert "2 exact duplicate(s) not stored again" in again.stdout
    assert json.loads(run("stats", "--db", db_path, "--json").stdout)["articles"] == 2


def test_bad_input_is_named_and_sets_the_exit_status(db_path: Path, tmp_path: Path) -> None:
    folder = write_mixed_folder(tmp_path / "mixed")
    result = run("import", folder, tmp_path / "nowhere", "--db", db_path)
    assert result.returncode == 1
    assert f"Imported {len(ARTICLES)} new article(s)" in result.stdout
    assert f"{len(BAD_FILES)} input(s) rejected:" in result.stderr
    for where, message in BAD_FILES:
        assert message in result.stderr
        assert where.split(":")[0] in result.stderr
    assert "lot.jsonl:3: invalid JSON" in result.stderr


def test_list_filters_by_search_and_status(db_path: Path, corpus_dir: Path) -> None:
    run("import", corpus_dir, "--db", db_path)
    rows = json.loads(run("list", "--db", db_path, "--search", "Choïgou", "--json").stdout)
    assert [r["title"][:6] for r in rows] == ["Depuis"]
    table = run("list", "--db", db_path, "--status", "todo").stdout
    assert len(table.strip().splitlines()) == 3  # header and two articles
    assert run("list", "--db", db_path, "--status", "done").stderr.strip() == "No articles match."


def test_db_defaults_to_the_environment_variable(tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "from-env.db"
    assert run("import", corpus_dir, env={"ANNOTATOR_DB": str(db)}).returncode == 0
    assert db.exists()


def test_no_command_prepares_the_sample_corpus_once(tmp_path: Path) -> None:
    env = {"ANNOTATOR_DB": str(tmp_path / "first.db")}
    first = run("--no-window", env=env)
    assert first.returncode == 0, first.stderr
    assert "imported 2 sample article(s)" in first.stdout
    second = run("--no-window", env=env)
    assert "2 article(s)" in second.stdout and "imported" not in second.stdout


def test_a_broken_database_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 200)
    result = run("stats", "--db", junk)
    assert result.returncode == 2  # could not run (1 is for input refused)
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        result = run(name, "--help")
        assert result.returncode == 0 and "--db" in result.stdout, name
        assert re.search(rf"`annotator {name}\b", readme), f"{name} is not in the README"
