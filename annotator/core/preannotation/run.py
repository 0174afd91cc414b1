"""Pre-annotating the corpus: the pipeline over every article not yet run.

It streams texts from the store through spaCy and commits suggestions every
`commit_every` articles, each commit marking those articles as run by the
suggestion set. An interrupted run leaves whole articles; the next run with
the same versions continues where it stopped. The window calls the same
function from a worker thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.core.preannotation import DEFAULT_MODEL, RECOGNIZERS_VERSION, installed_version
from annotator.core.preannotation.pieces import MAX_PIECE_CHARS
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import Span, SuggestionSet
from annotator.core.store import Store
from annotator.core.token_cache import TOKENIZER_LANG, tokenizer_name

if TYPE_CHECKING:
    from annotator.core.preannotation.pipeline import Pipeline


@dataclass
class PreannotationReport:
    suggestion_set: SuggestionSet
    articles: int = 0  # run in this call
    already_done: int = 0  # skipped: this suggestion set had run over them
    labels: Counter[str] = field(default_factory=Counter)
    cancelled: bool = False


def preannotate(
    store: Store,
    *,
    model: str = DEFAULT_MODEL,
    pipeline: Pipeline | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    commit_every: int = 200,
    max_chars: int = MAX_PIECE_CHARS,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> PreannotationReport:
    """Store suggestions for every article the current versions have not run over.

    The model is loaded only when some article needs it. An article's
    suggestions are stored whole, with its mark as run, in one transaction;
    `cancelled` is polled after every piece of at most `max_chars` characters.
    """
    if pipeline is None:
        versions = (model, installed_version(model), RECOGNIZERS_VERSION)
    else:
        versions = (pipeline.model, pipeline.model_version, pipeline.recognizers_version)
    suggestion_set = store.suggestions.set_for(*versions)
    pending = store.suggestions.pending(suggestion_set.id)
    report = PreannotationReport(suggestion_set, already_done=store.articles.count() - len(pending))
    if not pending:
        return report
    # spaCy takes seconds to import: only when some article needs the model.
    from annotator.core.preannotation.pipeline import Suggester, load

    pipeline = pipeline or load(model)
    articles = store.articles.texts(pending)
    results = Suggester(pipeline).stream_articles(
        articles, batch_size=batch_size, n_process=n_process, max_chars=max_chars
    )
    # The exports and agreement need the articles' tokens: keep what the pipeline made,
    # when its tokenizer is the one the token cache holds (the French one).
    tokens: dict[str, tuple[bytes, bytes]] | None = (
        {} if pipeline.nlp.lang == TOKENIZER_LANG else None
    )
    batch: dict[str, list[Span]] = {}
    with store.bulk():
        # One result a piece: a long article can be stopped between its pieces (it is
        # then dropped whole, and run again by the next call).
        for result in results:
            if result is not None:
                batch[result.article_id] = result.spans
                if tokens is not None:
                    tokens[result.article_id] = result.tokens
                report.labels.update(s.label for s in result.spans)
                if len(batch) >= commit_every:
                    _commit(store, suggestion_set, batch, tokens, report)
                if progress is not None:
                    progress(Progress(report.articles + len(batch), len(pending), "articles"))
            if cancelled is not None and cancelled():
                report.cancelled = True
                break
        _commit(store, suggestion_set, batch, tokens, report)
        _close(results)
    return report


def pending_count(store: Store, model: str = DEFAULT_MODEL) -> int:
    """How many articles the installed `model` and recognisers have not run over.

    Read from the store and the package metadata: no spaCy import, no write.
    """
    versions = (model, installed_version(model), RECOGNIZERS_VERSION)
    for suggestion_set in store.suggestions.sets():
        if (
            suggestion_set.model,
            suggestion_set.model_version,
            suggestion_set.recognizers_version,
        ) == versions:
            return len(store.suggestions.pending(suggestion_set.id))
    return store.articles.count()


def _commit(
    store: Store,
    suggestion_set: SuggestionSet,
    batch: dict[str, list[Span]],
    tokens: dict[str, tuple[bytes, bytes]] | None,
    report: PreannotationReport,
) -> None:
    if batch:
        store.suggestions.add(suggestion_set.id, batch)
        if tokens:
            store.articles.save_tokens(tokenizer_name(), tokens)
            tokens.clear()
        report.articles += len(batch)
        batch.clear()


def _close(results: Iterator[object]) -> None:
    """Stop spaCy's worker processes when the run ends early."""
    close = getattr(results, "close", None)
    if close is not None:
        close()
