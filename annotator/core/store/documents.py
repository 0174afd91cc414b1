"""Reading one article with everything an annotator sees of it, in one go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.records import Document

if TYPE_CHECKING:
    from annotator.core.store.store import Store


class Documents:
    def __init__(self, store: Store) -> None:
        self._store = store

    def load(self, article_id: str, annotator: str) -> Document:
        """The article, its newest suggestions, this annotator's work and status.

        Runs in one read transaction so the parts agree with each other even
        while another window writes.
        """
        store = self._store
        conn = store.db.conn
        own = not conn.in_transaction
        if own:
            conn.execute("BEGIN")
        try:
            article = store.articles.get(article_id)
            suggestion_set = store.suggestions.newest_set(article_id)
            suggestions = (
                store.suggestions.for_article(article_id, suggestion_set.id)
                if suggestion_set
                else []
            )
            annotations = store.annotations.for_article(article_id, annotator)
            status = store.statuses.get(article_id, annotator)
        finally:
            if own:
                conn.execute("COMMIT")
        return Document(article, suggestion_set, tuple(suggestions), tuple(annotations), status)
