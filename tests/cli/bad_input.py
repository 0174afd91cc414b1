"""What the bad-input tests share: real French texts, `annotator import` run, the store read."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from annotator.cli.main import cli
from tests.conftest import DATA


def french_texts(count: int) -> list[str]:
    """The first paragraphs of real French news articles (tests/data), distinct."""
    texts = []
    with (DATA / "ner_fr.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            texts.append(json.loads(line)["text"].split("\n")[1])
            if len(texts) == count:
                return texts
    raise AssertionError(f"tests/data/ner_fr.jsonl has fewer than {count} articles")


def run_import(db: Path, *args: str | Path) -> Result:
    """`annotator import` as a user types it, in this process (CliRunner)."""
    result = CliRunner().invoke(cli, ["import", *map(str, args), "--db", str(db)])
    # Any exception but the exit status itself is a traceback the user would have seen.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def stored_texts(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT text FROM articles ORDER BY seq")]


def stored_column(db: Path, column: str) -> list[str]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute(f"SELECT {column} FROM articles ORDER BY seq")]


def integrity_ok(db: Path) -> bool:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
