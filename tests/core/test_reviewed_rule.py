"""Reviewed means a person finished the article: done for an annotator's work, adjudicated
for gold, never for suggestions. Every export format says so, and only so (issue #12, 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.exporters.formats import EXPORTERS
from annotator.core.records import Status
from tests.core.review_corpus import ALICE, FLAG, Reviews, export_says
from tests.core.review_corpus import reviews as reviews  # a pytest fixture

FORMATS = sorted(EXPORTERS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_only_the_articles_an_annotator_finished_are_reviewed(
    reviews: Reviews, tmp_path: Path, fmt: str
) -> None:
    said = export_says(reviews.store, fmt, ALICE, tmp_path / f"alice-{fmt}")

    comment = {Status.FLAGGED: FLAG}
    expected = {
        reviews.ids[status]: (status is Status.DONE, status.value, comment.get(status))
        for status in Status
    }
    if fmt == "csv":  # a row a FIGURE: the article alice never opened has none of hers
        del expected[reviews.ids[Status.TODO]]
    assert said == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_gold_is_reviewed_once_adjudicated_not_while_in_review(
    reviews: Reviews, tmp_path: Path, fmt: str
) -> None:
    said = export_says(reviews.store, fmt, "gold", tmp_path / f"gold-{fmt}")

    assert said == {
        reviews.ids[Status.DONE]: (True, "adjudicated", None),
        reviews.ids[Status.FLAGGED]: (False, "in_review", None),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_suggestions_are_never_reviewed(reviews: Reviews, tmp_path: Path, fmt: str) -> None:
    said = export_says(reviews.store, fmt, "suggestions", tmp_path / f"suggestions-{fmt}")

    assert said == {i: (False, None, None) for i in reviews.ids.values()}


def test_marking_done_makes_the_article_reviewed_and_undo_takes_it_back(
    reviews: Reviews, tmp_path: Path
) -> None:
    store, article = reviews.store, reviews.ids[Status.IN_PROGRESS]
    store.statuses.set(ALICE, article, Status.DONE)
    assert export_says(store, "prodigy", ALICE, tmp_path / "a.jsonl")[article][0] is True
    store.events.undo(ALICE)
    assert export_says(store, "prodigy", ALICE, tmp_path / "b.jsonl")[article] == (
        False,
        "in_progress",
        None,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_flag_comment_stays_in_the_export_once_the_article_is_done(
    reviews: Reviews, tmp_path: Path, fmt: str
) -> None:
    flagged = reviews.ids[Status.FLAGGED]
    reviews.store.statuses.set(ALICE, flagged, Status.DONE)  # what Ctrl+Return does

    said = export_says(reviews.store, fmt, ALICE, tmp_path / f"alice-{fmt}")

    assert said[flagged] == (True, "done", FLAG)
