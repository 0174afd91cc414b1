"""`annotator list` and `annotator export` as a user runs them, on what issue #12 found:
exports that called unreviewed work reviewed (3), flag comments nowhere (6), searches that
ended in a traceback (8)."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.records import Status
from tests.cli.test_cli import run
from tests.core.review_corpus import ALICE, FLAG, Reviews
from tests.core.review_corpus import reviews as reviews  # a pytest fixture


def test_prodigy_export_accepts_only_what_alice_finished(
    reviews: Reviews, db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "alice.jsonl"
    result = run("export", "--db", db_path, "--format", "prodigy", "--source", ALICE,
                 "--status", "all", "--out", out)  # fmt: skip
    assert result.returncode == 0, result.stderr

    tasks = {t["meta"]["id"]: t for t in map(json.loads, out.read_text("utf-8").splitlines())}
    assert set(tasks) == set(reviews.ids.values())
    for status, article_id in reviews.ids.items():
        task = tasks[article_id]
        finished = status is Status.DONE
        assert task["source"]["reviewed"] is finished, status
        assert (task.get("answer") == "accept") is finished, status
        assert task["source"]["status"] == status.value
    assert tasks[reviews.ids[Status.FLAGGED]]["source"]["comment"] == FLAG


def test_list_shows_the_flag_comment_and_marking_done_keeps_it(
    reviews: Reviews, db_path: Path
) -> None:
    flagged = reviews.ids[Status.FLAGGED]
    reviews.store.statuses.set(ALICE, flagged, Status.DONE)  # Ctrl+Return after flagging
    reviews.store.statuses.set("bob", flagged, Status.FLAGGED, "Source\nà citer")

    rows = json.loads(run("list", "--db", db_path, "--annotator", ALICE, "--json").stdout)
    row = next(r for r in rows if r["id"] == flagged)
    assert (row["status"], row["comment"]) == ("done", FLAG)
    assert [r["comment"] for r in rows if r["id"] != flagged] == [None] * 4

    everyone = json.loads(run("list", "--db", db_path, "--json").stdout)
    assert next(r for r in everyone if r["id"] == flagged)["comment"] == (
        f"alice: {FLAG}\nbob: Source à citer"
    )
    table = run("list", "--db", db_path, "--annotator", ALICE).stdout.splitlines()
    at = next(i for i, line in enumerate(table) if line.startswith(flagged))
    assert table[at + 1].strip() == f"↳ {FLAG}"


def test_any_search_text_lists_or_says_no_match(reviews: Reviews, db_path: Path) -> None:
    for text in ['"', "AND (", "NEAR(", "text:Lyon", "*", "-", ":", "Alep\"'"]:
        result = run("list", "--db", db_path, "--search", text)
        assert result.returncode == 0, (text, result.stderr)
        assert "Traceback" not in result.stderr
    assert run("list", "--db", db_path, "--search", '"').stderr.strip() == "No articles match."
    rows = json.loads(run("list", "--db", db_path, "--search", "pompi*", "--json").stdout)
    assert [r["id"] for r in rows] == [reviews.ids[Status.SKIPPED]]
    rows = json.loads(run("list", "--db", db_path, "--search", '"Alep"', "--json").stdout)
    assert [r["id"] for r in rows] == [reviews.ids[Status.FLAGGED]]
