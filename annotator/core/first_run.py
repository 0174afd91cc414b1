"""First run: an empty database gets the sample corpus, ready to work on."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.importing import ImportReport, import_paths
from annotator.core.paths import corpus_dir
from annotator.core.store import Store


@dataclass(frozen=True, slots=True)
class Prepared:
    db: str
    imported: ImportReport | None
    articles: int

    def describe(self) -> str:
        if self.imported is None:
            return f"Database {self.db}: {self.articles} article(s)."
        return (
            f"Created {self.db} and imported {len(self.imported.added)} sample article(s) "
            f"from {corpus_dir()}."
        )


def prepare(store: Store) -> Prepared:
    """Import the sample corpus into a database that has no articles yet."""
    report = None
    if store.articles.count() == 0:
        report = import_paths(store, [corpus_dir()])
    return Prepared(str(store.path), report, store.articles.count())
