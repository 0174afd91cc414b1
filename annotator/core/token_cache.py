"""Token offsets of stored articles from spaCy's French tokenizer, made once and kept."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata
from typing import TYPE_CHECKING

import numpy as np

from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc


TOKENIZER_LANG = "fr"  # spacy.blank("fr"): the tokenizer of fr_core_news_sm and _md too


def tokenizer_name() -> str:
    # Read from the package metadata: importing spaCy only to ask takes seconds.
    return f"spacy-{metadata.version('spacy')}/{TOKENIZER_LANG}"


def doc_offsets(doc: Doc) -> bytes:
    """What the cache keeps of a Doc: (start, end) of its tokens but white space, int32 pairs."""
    pairs = [(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space]
    return np.array(pairs, dtype="<i4").reshape(-1, 2).tobytes()


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

        nlp = spacy.blank(TOKENIZER_LANG)
        fresh: dict[str, bytes] = {}
        texts = (text for _, text in store.articles.texts(missing))
        for done, (article_id, doc) in enumerate(zip(missing, nlp.pipe(texts), strict=True), 1):
            fresh[article_id] = doc_offsets(doc)
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


def words_and_spaces(text: str, offsets: np.ndarray) -> tuple[list[str], list[bool]]:
    """The tokens of `text` as spaCy's tokenizer makes them, from cached `offsets`.

    The cache leaves white space tokens out; they come back by spaCy's rule:
    a single space after a token is its trailing white space, and any other
    run of white space between two tokens (or at an edge of the text) is a
    token of its own. `Doc(vocab, words, spaces)` then rebuilds the Doc that
    `nlp.make_doc(text)` gives, ten times faster than tokenizing again.
    """
    pairs = offsets.tolist()
    if not pairs:
        return ([text], [False]) if text else ([], [])
    words = [text[start:end] for start, end in pairs]
    spaces = [text[end : end + 1] == " " for _, end in pairs]
    # White space beyond that one space becomes a token: found in bulk, inserted one by one
    # (an article has a few, at its paragraph breaks).
    following = np.append(offsets[1:, 0], len(text))
    ends = offsets[:, 1] + np.fromiter(spaces, dtype=bool, count=len(spaces))
    for i in np.nonzero(following > ends)[0][::-1].tolist():
        words.insert(i + 1, text[ends[i] : following[i]])
        spaces.insert(i + 1, False)
    if pairs[0][0] > 0:  # white space before the first token: no token to trail
        words.insert(0, text[: pairs[0][0]])
        spaces.insert(0, False)
    return words, spaces
