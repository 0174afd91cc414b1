"""Annotations, rejections, statuses and undo/redo from the event log."""

from __future__ import annotations

import pytest

from annotator.core.errors import InvalidSpan, NotFound
from annotator.core.records import Origin, Span, Status
from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id

TEXT = "Emmanuel Macron a reçu 3 000 maires à l’Élysée.\nIls venaient de toute la France."
MACRON = Span(0, 15, "PER")
MAIRES = Span(23, 35, "FIGURE", {"value": 3000, "qualifier": "exact", "unit": "maires"})
ELYSEE = Span(40, 46, "LOC")
FRANCE = Span(73, 79, "LOC")


@pytest.fixture
def article(store: Store) -> str:
    aid = article_id(TEXT)
    store.articles.add([NewArticle(aid, None, TEXT, "t.txt", {}, 14)])
    assert TEXT[MAIRES.start : MAIRES.end] == "3 000 maires"
    assert TEXT[ELYSEE.start : ELYSEE.end] == "Élysée"
    assert TEXT[FRANCE.start : FRANCE.end] == "France"
    return aid


@pytest.fixture
def suggested(store: Store, article: str) -> list:
    model = store.suggestions.set_for("fr_core_news_md", "3.8.0", "1.0.0")
    store.suggestions.add(model.id, {article: [MACRON, MAIRES, ELYSEE]})
    return store.suggestions.for_article(article)


def rows(store: Store, table: str) -> int:
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_accepting_a_suggestion_stores_it_with_its_origin(store: Store, suggested: list) -> None:
    annotation = store.annotations.accept("alice", suggested[1])
    assert annotation.span == MAIRES
    assert annotation.origin is Origin.ACCEPTED
    assert annotation.suggestion_id == suggested[1].id
    # The suggestion is untouched: machine output and human work stay apart.
    assert rows(store, "suggestions") == 3
    assert store.statuses.get(suggested[1].article_id, "alice").status is Status.IN_PROGRESS


def test_editing_an_accepted_suggestion_marks_it_edited(store: Store, suggested: list) -> None:
    annotation = store.annotations.accept("alice", suggested[0])
    edited = store.annotations.update(annotation.id, label="ORG")
    assert edited.origin is Origin.EDITED and edited.span.label == "ORG"
    resized = store.annotations.update(annotation.id, start=9)
    assert resized.span.start == 9 and resized.span.end == 15


def test_spans_are_checked_against_the_text(store: Store, article: str) -> None:
    with pytest.raises(InvalidSpan, match="outside"):
        store.annotations.add("alice", article, Span(70, 999, "LOC"))
    with pytest.raises(InvalidSpan, match="white space"):
        store.annotations.add("alice", article, Span(15, 20, "PER"))
    with pytest.raises(NotFound):
        store.annotations.add("alice", "nosuchid", MACRON)
    assert rows(store, "annotations") == 0
    assert rows(store, "events") == 1  # only the import: failed actions leave no trace


def test_accept_all_skips_decided_suggestions_and_is_one_undo_step(
    store: Store, suggested: list
) -> None:
    store.annotations.reject("alice", suggested[0])
    accepted = store.annotations.accept_all("alice", suggested)
    assert [a.span for a in accepted] == [MAIRES, ELYSEE]
    assert store.annotations.accept_all("alice", suggested) == []  # nothing left to accept
    store.events.undo("alice")
    assert store.annotations.for_article(suggested[0].article_id, "alice") == []
    assert store.annotations.rejected(suggested[0].article_id, "alice") == {suggested[0].id}


def test_undo_and_redo_walk_back_and_forth_through_actions(store: Store, article: str) -> None:
    added = store.annotations.add("alice", article, FRANCE)
    store.annotations.update(added.id, label="ORG")
    store.statuses.set("alice", article, Status.DONE)
    store.annotations.add("bob", article, MACRON)  # another annotator's history is separate

    assert [e.kind for e in store.events.undo("alice")] == ["status.set"]
    assert store.statuses.get(article, "alice").status is Status.IN_PROGRESS
    assert store.events.undo("alice")[0].kind == "annotation.update"
    assert store.annotations.get(added.id).span.label == "LOC"
    undone = store.events.undo("alice")
    assert {e.kind for e in undone} == {"annotation.delete", "status.set"}
    assert store.annotations.for_article(article, "alice") == []
    assert store.statuses.get(article, "alice").status is Status.TODO
    assert store.events.undo("alice") == []
    assert not store.events.can_undo("alice")

    store.events.redo("alice")
    restored = store.annotations.for_article(article, "alice")
    assert [(a.id, a.span.label) for a in restored] == [(added.id, "LOC")]  # same id again
    store.events.redo("alice")
    store.events.redo("alice")
    assert store.statuses.get(article, "alice").status is Status.DONE
    assert store.events.redo("alice") == []
    assert len(store.annotations.for_article(article, "bob")) == 1


def test_a_new_action_clears_the_redo_stack(store: Store, article: str) -> None:
    store.annotations.add("alice", article, FRANCE)
    store.events.undo("alice")
    assert store.events.can_redo("alice")
    store.annotations.add("alice", article, ELYSEE)
    assert not store.events.can_redo("alice")


def test_undo_works_across_store_sessions(db_path, article: str, store: Store) -> None:
    store.annotations.add("alice", article, FRANCE)
    store.close()
    with Store.open(db_path) as reopened:
        reopened.events.undo("alice")
        assert reopened.annotations.for_article(article, "alice") == []


def test_every_change_is_in_the_log_with_who_and_before_after(store: Store, article: str) -> None:
    added = store.annotations.add("alice", article, FRANCE)
    store.annotations.update(added.id, label="ORG")
    store.annotations.delete(added.id)
    store.statuses.set("alice", article, Status.FLAGGED, comment="titre coupé")
    log = [e for e in store.events.list(annotator="alice")]
    assert [e.kind for e in log] == [
        "annotation.add",
        "status.set",
        "annotation.update",
        "annotation.delete",
        "status.set",
    ]
    update = log[2]
    assert (update.before["label"], update.after["label"]) == ("LOC", "ORG")
    assert log[3].after is None and log[3].before["label"] == "ORG"
    assert log[4].after["comment"] == "titre coupé"
    assert all(e.annotator == "alice" and e.article_id == article for e in log)


def test_document_has_the_newest_suggestion_set(store: Store, suggested: list) -> None:
    article = suggested[0].article_id
    newer = store.suggestions.set_for("fr_core_news_md", "3.8.0", "1.1.0")
    store.suggestions.add(newer.id, {article: [ELYSEE]})
    store.annotations.accept("alice", suggested[0])
    document = store.documents.load(article, "alice")
    assert document.suggestion_set == newer
    assert [s.span for s in document.suggestions] == [ELYSEE]
    assert [a.span for a in document.annotations] == [MACRON]
    assert store.suggestions.pending(newer.id) == []
    assert document.article.text == TEXT


def test_imported_work_is_one_logged_row_an_article_and_not_undoable(
    store: Store, article: str
) -> None:
    store.statuses.set("bob", article, Status.FLAGGED, comment="à revoir")
    stored = store.annotations.import_many("bob", {article: [MACRON, MAIRES, FRANCE]})
    assert stored == {article: 3}
    imported = store.annotations.for_article(article, "bob")
    assert [(a.span, a.origin) for a in imported] == [
        (s, Origin.IMPORTED) for s in (MACRON, MAIRES, FRANCE)
    ]
    assert store.statuses.get(article, "bob").status is Status.DONE
    (event,) = [e for e in store.events.list(annotator="bob") if e.kind == "annotations.import"]
    assert event.article_id == article and event.before["status"] == "flagged"
    assert event.after["status"]["status"] == "done"
    assert event.after["annotations"] == [
        [a.id, a.span.start, a.span.end, a.span.label, a.span.attrs] for a in imported
    ]
    # Imports are not the annotator's actions: undo goes back to the flag, then stops.
    assert [e.kind for e in store.events.undo("bob")] == ["status.set"]
    assert not store.events.can_undo("bob")
    assert len(store.annotations.for_article(article, "bob")) == 3
    # An article the annotator has work on is left alone.
    assert store.annotations.import_many("bob", {article: [ELYSEE]}) == {}


def test_importing_many_spans_numbers_them_on_and_checks_each(store: Store, article: str) -> None:
    last = store.annotations.add("alice", article, FRANCE).id
    store.annotations.delete(last)
    letters = [
        Span(i, i + 1, label)
        for label in ("MISC", "PER", "ORG", "LOC")
        for i, c in enumerate(TEXT)
        if not c.isspace()
    ]
    many = letters[:250]  # each span once: the store refuses one twice
    assert store.annotations.import_spans("carol", article, many) == 250  # several statements
    ids = sorted(a.id for a in store.annotations.for_article(article, "carol"))
    assert ids == list(range(last + 1, last + 251))  # deleted ids are never reused
    with pytest.raises(InvalidSpan, match="white space"):
        store.annotations.import_spans("dave", article, [MACRON, Span(14, 16, "PER")])
    assert store.annotations.for_article(article, "dave") == []


def _vm_steps(store: Store, action) -> int:  # type: ignore[no-untyped-def]
    """SQLite virtual machine steps (in hundreds) that `action` takes: work, not time."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    store.db.conn.set_progress_handler(count, 100)
    try:
        action()
    finally:
        store.db.conn.set_progress_handler(None, 100)
    return steps[0]


def test_accepting_reads_only_this_articles_work_not_all_of_the_annotators(
    store: Store, suggested: list
) -> None:
    def accept() -> None:
        assert len(store.annotations.accept_all("alice", suggested)) == 3

    alone = _vm_steps(store, accept)
    store.events.undo("alice")
    # Alice then has 20,000 annotations on 2,000 other articles.
    others = {}
    for k in range(2000):
        text = f"Article {k} : la mairie de Lyon a voté {k} euros."
        aid = article_id(text)
        store.articles.add([NewArticle(aid, None, text, f"{k}.txt", {}, 9)])
        lyon = text.index("Lyon")
        labels = ("PER", "ORG", "LOC", "MISC", "DATE")  # each span once: the store checks
        others[aid] = [Span(0, 7, x) for x in labels] + [Span(lyon, lyon + 4, x) for x in labels]
    store.annotations.import_many("alice", others)
    busy = _vm_steps(store, accept)
    # Deeper indexes cost a few steps more; the old check read all 20,000
    # annotations for each suggestion (3,000 hundred steps more).
    assert busy < alone + 50, (alone, busy)
