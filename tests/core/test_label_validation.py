"""Labels are names, never markup: a tab or a newline in one forged brat `T` lines and
CoNLL lines (issue #13, case 11). Other tools' own label names still come in."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from annotator.cli.main import cli
from annotator.core.errors import InvalidSpan
from annotator.core.exporters.brat import export_brat
from annotator.core.exporters.conll import export_conll
from annotator.core.importing import import_paths
from annotator.core.records import Span, Status, label_problem
from annotator.core.store import Store
from tests.conftest import CORPUS

TEXT = "Le maire de Lyon, Grégory Doucet, a reçu 300 lettres."
FORGED = ["LOC\tT9\tPER 0 2", "PER\nT7", "ORG 0 2", "MISC\x1b[31m", "LOC\u2028"]


def test_an_import_names_each_bad_label_with_its_line_and_keeps_the_rest(tmp_path: Path) -> None:
    """An article with a bad label is refused whole (no half-annotated article), named
    by file and line; the other records of the file go in."""
    records = [{"text": TEXT, "spans": [{"start": 12, "end": 16, "label": "LOC"}]}]
    records += [
        {"text": f"{TEXT} ({n})", "spans": [{"start": 18, "end": 32, "label": label}]}
        for n, label in enumerate(FORGED)
    ]
    source = tmp_path / "work.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with Store.open(tmp_path / "c.db") as store:
        report = import_paths(store, [source], annotator="alice")
        (article,) = store.articles.ids()
        stored = [
            (a.span.start, a.span.label) for a in store.annotations.for_article(article, "alice")
        ]
        out = tmp_path / "brat"
        export_brat(store, out, source="alice", status="all")
        export_conll(store, tmp_path / "out.conll", source="alice", status="all")
    assert stored == [(12, "LOC")]
    assert [p.where for p in report.problems] == [f"{source}:{n}" for n in range(2, 7)]
    assert all("white space or control" in p.message for p in report.problems)
    (ann,) = out.glob("*.ann")
    assert ann.read_text(encoding="utf-8") == "T1\tLOC 12 16\tLyon\n"
    conll = (tmp_path / "out.conll").read_text(encoding="utf-8").splitlines()
    rows = [line for line in conll if line and not line.startswith("-DOCSTART-")]
    assert rows and all(len(line.split(" ")) == 4 for line in rows)


def test_the_store_refuses_a_label_that_would_forge_lines(store: Store) -> None:
    import_paths(store, [CORPUS])
    article = store.articles.ids()[0]
    for label in [*FORGED, "", " "]:
        with pytest.raises(InvalidSpan):
            store.annotations.add("alice", article, Span(0, 4, label))
    store.annotations.add("alice", article, Span(0, 4, "Person"))  # another tool's name is fine


def test_merge_refuses_spans_whose_labels_would_forge_lines(tmp_path: Path) -> None:
    theirs, ours = tmp_path / "theirs.db", tmp_path / "ours.db"
    for path in (theirs, ours):
        with Store.open(path) as store:
            import_paths(store, [CORPUS])
    with Store.open(theirs) as store:
        article = store.articles.ids()[0]
        store.annotations.add("alice", article, Span(0, 4, "MISC"))
        store.annotations.add("alice", article, Span(5, 7, "MISC"))
        store.statuses.set("alice", article, Status.DONE)
    with closing(sqlite3.connect(theirs)) as conn:  # as a hostile file would hold it
        conn.execute("UPDATE annotations SET label = ? WHERE start = 5", ["LOC\nT9\tPER"])
        conn.commit()

    result = CliRunner().invoke(cli, ["merge", "--db", str(ours), str(theirs)])

    assert result.exit_code == 1
    assert "holds white space or control characters" in result.output
    with Store.open(ours) as store:
        labels = [a.span.label for a in store.annotations.for_article(article, "alice")]
    assert labels == []  # alice's version is refused whole, never stored with a span missing


@given(st.text(max_size=80))
def test_a_label_the_store_takes_never_breaks_a_line(label: str) -> None:
    if label_problem(label) is None:
        assert label.strip() == label and len(label.split()) == 1
        assert all(c.isprintable() for c in label)


def test_a_new_annotators_refused_first_action_does_not_break_the_next(store: Store) -> None:
    """Found writing the test above: the annotator's id, made inside the refused
    action's transaction, stayed cached after the rollback, so every later action
    of theirs failed its foreign key (in the window, a crash on the next key)."""
    import_paths(store, [CORPUS])
    article = store.articles.ids()[0]
    with pytest.raises(InvalidSpan):
        store.annotations.add("zoé", article, Span(0, 4, "PER\tX"))
    added = store.annotations.add("zoé", article, Span(0, 4, "PER"))
    assert added.annotator == "zoé"
    assert store.integrity_check() == []
