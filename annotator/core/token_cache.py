"""Token offsets of stored articles from spaCy's French tokenizer, made once and kept."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata

import numpy as np

from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.store import Store


def tokenizer_name() -> str:
    # Read from the package metadata: importing spaCy only to ask takes seconds.
    return f"spacy-{metadata.version('spacy')}/fr"


def article_tokens(
    store: Store,
    ids: Sequence[str],
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> dict[str, np.ndarray]:
    """(n, 2) arrays of token (start, end) offsets, white space tokens left out."""
    name = tokenizer_name()
    cached = store.articles.token_offsets(ids, name)
    missing = [i for i in ids if i not in cached]
    if missing:
        import spacy

        nlp = spacy.blank("fr")
        fresh: dict[str, bytes] = {}
        texts = (text for _, text in store.articles.texts(missing))
        for done, (article_id, doc) in enumerate(zip(missing, nlp.pipe(texts), strict=True), 1):
            pairs = np.array(
                [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space], dtype="<i4"
            ).reshape(-1, 2)
            fresh[article_id] = pairs.tobytes()
            if len(fresh) >= 500:
                store.articles.save_token_offsets(name, fresh)
                cached.update(fresh)
                fresh = {}
            if progress is not None:
                progress(Progress(done, len(missing), "articles", "tokenizing"))
            if cancelled is not None and cancelled():
                break
        store.articles.save_token_offsets(name, fresh)
        cached.update(fresh)
    return {
        article_id: np.frombuffer(cached[article_id], dtype="<i4").reshape(-1, 2)
        for article_id in ids
        if article_id in cached
    }
