"""The window's own background work: pre-annotation and spaCy's tokenizer.

At launch the window pre-annotates only if the store says some article needs
it (a query against the installed model's version, read from the package
metadata); otherwise it only loads spaCy's tokenizer, quietly.
"""

from __future__ import annotations

from annotator.core.preannotation import DEFAULT_MODEL
from annotator.core.tokens import Tokenize
from annotator.gui.tasks import Task

PREANNOTATING = "Pre-annotating"
LOADING_TOKENIZER = "Loading the tokenizer"
# Pieces the model takes at a time in the window: Cancel is polled after each
# batch, so one piece (at most 10,000 characters, about 0.3 s) keeps it well
# within a second; on news articles a batch of 1 ran as fast as one of 64.
WINDOW_BATCH = 1


def spacy_tokenizer() -> Tokenize:
    """spaCy's French tokenizer; seconds on first import, so called off the UI thread."""
    import spacy

    from annotator.core.tokens import spacy_tokenizer as from_pipeline

    return from_pipeline(spacy.blank("fr"))


def preannotation_task(model: str = DEFAULT_MODEL) -> Task:
    """Pre-annotate what is not yet; the result is (report, tokenizer or None if cancelled)."""

    def task(store, progress, cancelled):  # type: ignore[no-untyped-def]
        from annotator.core.preannotation.run import preannotate

        report = preannotate(
            store, model=model, batch_size=WINDOW_BATCH, progress=progress, cancelled=cancelled
        )
        return report, None if report.cancelled else spacy_tokenizer()

    return task


def tokenizer_task(store, progress, cancelled) -> Tokenize:  # type: ignore[no-untyped-def]
    return spacy_tokenizer()
