"""Counts over the whole corpus, for `annotator stats` and the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.core.store.store import Store


class Stats:
    def __init__(self, store: Store) -> None:
        self._store = store

    def summary(self) -> dict[str, Any]:
        """The figures `annotator stats --json` prints."""
        db = self._store.db

        def scalar(sql: str) -> int:
            return db.execute(sql).fetchone()[0] or 0

        annotators: dict[str, dict[str, Any]] = {}
        for (name,) in db.execute("SELECT name FROM annotators ORDER BY name"):
            annotators[name] = {
                "done": 0,
                "in_progress": 0,
                "skipped": 0,
                "flagged": 0,
                "annotations": 0,
            }
        for name, status, n in db.execute(
            "SELECT a.name, s.status, count(*) FROM article_status s"
            " JOIN annotators a ON a.id = s.annotator_id GROUP BY a.name, s.status"
        ):
            annotators[name][status] = n
        for name, n in db.execute(
            "SELECT a.name, count(*) FROM annotations an JOIN annotators a"
            " ON a.id = an.annotator_id GROUP BY a.name"
        ):
            annotators[name]["annotations"] = n
        return {
            "articles": scalar("SELECT count(*) FROM articles"),
            "words": scalar("SELECT sum(words) FROM articles"),
            "near_duplicate_clusters": scalar(
                "SELECT count(DISTINCT cluster) FROM articles WHERE cluster IS NOT NULL"
            ),
            "suggestion_sets": scalar("SELECT count(*) FROM suggestion_sets"),
            "suggestions": scalar("SELECT count(*) FROM suggestions"),
            "annotators": annotators,
            "labels": dict(
                db.execute("SELECT label, count(*) FROM annotations GROUP BY label ORDER BY label")
            ),
            "suggestion_labels": dict(
                db.execute("SELECT label, count(*) FROM suggestions GROUP BY label ORDER BY label")
            ),
        }
