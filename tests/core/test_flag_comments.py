"""A flag comment is the annotator's note on the article: a status change never erases it
(issue #12, 6); only the annotator, editing it, does."""

from __future__ import annotations

import pytest

from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import Store
from tests.conftest import CORPUS

NOTE = "Titre coupé : la fin manque dans la source."


@pytest.fixture
def article(store: Store) -> str:
    assert import_paths(store, [CORPUS]).ok
    first = store.articles.ids()[0]
    store.statuses.set("alice", first, Status.FLAGGED, NOTE)
    return first


@pytest.mark.parametrize("status", [Status.DONE, Status.SKIPPED, Status.IN_PROGRESS])
def test_a_status_change_keeps_the_comment(store: Store, article: str, status: Status) -> None:
    store.statuses.set("alice", article, status)

    state = store.statuses.get(article, "alice")
    assert (state.status, state.comment) == (status, NOTE)
    assert store.articles.summary(article, "alice").comment == NOTE  # type: ignore[union-attr]


def test_editing_the_comment_replaces_or_clears_it_and_undo_brings_it_back(
    store: Store, article: str
) -> None:
    store.statuses.set("alice", article, Status.FLAGGED, "Autre problème")
    assert store.statuses.get(article, "alice").comment == "Autre problème"
    store.statuses.set("alice", article, Status.FLAGGED, "  ")
    assert store.statuses.get(article, "alice").comment is None
    store.events.undo("alice")
    assert store.statuses.get(article, "alice").comment == "Autre problème"
    store.events.undo("alice")
    assert store.statuses.get(article, "alice").comment == NOTE
    # the log keeps every comment the article had
    comments = [e.after["comment"] for e in store.events.list(annotator="alice") if e.after]
    assert comments[:3] == [NOTE, "Autre problème", None]


def test_an_import_of_the_annotator_work_keeps_the_comment(store: Store, article: str) -> None:
    text = store.articles.get(article).text
    start = text.index("Alep")
    stored = store.annotations.import_many("alice", {article: [Span(start, start + 4, "LOC")]})

    assert stored == {article: 1}
    state = store.statuses.get(article, "alice")
    assert (state.status, state.comment) == (Status.DONE, NOTE)


def test_comments_belong_to_their_annotator(store: Store, article: str) -> None:
    store.statuses.set("bob", article, Status.DONE)
    assert store.statuses.get(article, "bob").comment is None
    assert store.articles.summary(article, "bob").comment is None  # type: ignore[union-attr]
    assert store.articles.summary(article).comment == f"alice: {NOTE}"  # type: ignore[union-attr]
