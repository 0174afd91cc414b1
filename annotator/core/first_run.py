"""First run: the default database, when empty, gets the sample corpus.

Only the default database: a database named with --db is a team's or a
project's, and sample articles in it would end up in its agreement and exports.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.importing import ImportReport, import_paths
from annotator.core.paths import corpus_dir, is_default_db
from annotator.core.store import Store


@dataclass(frozen=True, slots=True)
class Prepared:
    db: str
    imported: ImportReport | None
    articles: int

    def describe(self) -> str:
        if self.imported is not None:
            return (
                f"Created {self.db} and imported {len(self.imported.added)} sample article(s) "
                f"from {corpus_dir()}."
            )
        if self.articles == 0:
            return f"Database {self.db}: no articles yet (annotator import PATH --db {self.db})."
        return f"Database {self.db}: {self.articles} article(s)."


def prepare(store: Store, sample_corpus: bool | None = None) -> Prepared:
    """Import the sample corpus into an empty database, if it is the default one.

    `sample_corpus` decides instead when given.
    """
    if sample_corpus is None:
        sample_corpus = is_default_db(store.path)
    report = None
    if sample_corpus and store.articles.count() == 0:
        report = import_paths(store, [corpus_dir()])
    return Prepared(str(store.path), report, store.articles.count())
