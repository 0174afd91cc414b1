"""The SQLite store: the one place that holds SQL. See `Store`."""

from annotator.core.store.articles import NewArticle
from annotator.core.store.store import Store

__all__ = ["NewArticle", "Store"]
