"""Three annotators on two machines: merge, agreement, adjudication, gold export, by command."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.store import Store
from annotator.core.team_agreement import team_agreement
from tests.cli.test_cli import run
from tests.core.test_merge_adjudicate import annotate, machine


def test_merge_agreement_adjudicate_export(tmp_path: Path, corpus_dir: Path) -> None:
    lead, laptop = tmp_path / "lead.db", tmp_path / "laptop.db"
    with machine(lead, corpus_dir) as store:
        annotate(store, "alice")
        annotate(store, "bob", reject_first=True)
    with machine(laptop, corpus_dir) as store:
        annotate(store, "carol")

    merged = run("merge", laptop, "--db", lead)
    assert merged.returncode == 0, merged.stderr
    assert "conflict" not in merged.stdout

    result = run("agreement", "--db", lead, "--json")
    assert result.returncode == 0, result.stderr
    from_command = json.loads(result.stdout)
    with Store.open(lead) as store:
        from_core = team_agreement(store).to_json()
    assert from_command == json.loads(json.dumps(from_core))
    assert from_command["annotators"] == ["alice", "bob", "carol"]
    assert len(from_command["disagreements"]) == 2
    table = run("agreement", "--db", lead).stdout
    assert "Fleiss' kappa" in table and "2 disagreement(s)" in table

    adjudicated = run("adjudicate", "--auto", "--rule", "majority", "--db", lead)
    assert "2 article(s) adjudicated" in adjudicated.stdout, adjudicated.stdout
    out = tmp_path / "gold.jsonl"
    exported = run("export", "--format", "jsonl", "--source", "gold", "--out", out, "--db", lead)
    assert exported.returncode == 0, exported.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_evaluate_command_equals_the_core(tmp_path: Path, corpus_dir: Path) -> None:
    db = tmp_path / "team.db"
    with machine(db, corpus_dir) as store:
        annotate(store, "alice")
        annotate(store, "bob", reject_first=True)
        annotate(store, "carol")
    assert run("adjudicate", "--auto", "--rule", "majority", "--db", db).returncode == 0
    result = run("evaluate", "--source", "bob", "--json", "--db", db)
    assert result.returncode == 0, result.stderr
    from annotator.core.evaluation import evaluate

    with Store.open(db) as store:
        expected = evaluate(store, source="bob", against="gold").to_json()
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))
    assert expected["strict"]["micro"]["recall"] == 0.5  # bob left one of two gold spans out
    table = run("evaluate", "--source", "bob", "--db", db).stdout
    assert "Confusion" in table
