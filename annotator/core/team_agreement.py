"""Agreement over the store: gather the articles every annotator finished, then measure.

The measures themselves are pure functions in `agreement/`; this module only
reads the store (spans, and token offsets cached by `token_cache`).
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.adjudication import default_annotators, finished_by_all
from annotator.core.agreement import AgreementInput, AgreementReport, ArticleInput, agreement
from annotator.core.errors import AnnotatorError, Cancelled
from annotator.core.progress import CancelCheck, ProgressCallback
from annotator.core.store import Store
from annotator.core.token_cache import article_tokens


def team_agreement(
    store: Store,
    annotators: Sequence[str] | None = None,
    label: str | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> AgreementReport:
    """Every measure between these annotators over the articles all of them marked done."""
    names = list(annotators) if annotators else default_annotators(store)
    if len(names) < 2:
        raise AnnotatorError(
            "agreement needs at least two annotators who marked articles done"
            f" (found: {', '.join(names) or 'none'})"
        )
    known = {a.name for a in store.annotators.list()}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise AnnotatorError(f"no annotator named {', '.join(unknown)}")
    ids = finished_by_all(store, names)
    if not ids:
        raise AnnotatorError(f"no article is marked done by all of {', '.join(names)}")
    tokens = article_tokens(store, ids, progress=progress, cancelled=cancelled)
    if cancelled is not None and cancelled():
        raise Cancelled("agreement cancelled")
    spans = store.spans_by_article(ids, names)  # with attributes: FIGURE values are compared
    texts = dict(store.articles.texts(ids))
    articles = tuple(
        ArticleInput(article_id, texts[article_id], tokens[article_id], spans[article_id])
        for article_id in ids
    )
    return agreement(AgreementInput(articles), annotators=tuple(names), label=label)
