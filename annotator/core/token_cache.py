"""Token offsets of stored articles from spaCy's French tokenizer, made once and kept."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from importlib import metadata
from typing import TYPE_CHECKING, Any

import numpy as np

from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.store import Store

if TYPE_CHECKING:
    from spacy.tokens import Doc


CHUNK = 500  # articles tokenised, then stored, together
TOKENIZER_LANG = "fr"  # spacy.blank("fr"): the tokenizer of fr_core_news_sm and _md too


def tokenizer_name() -> str:
    # Read from the package metadata: importing spaCy only to ask takes seconds.
    return f"spacy-{metadata.version('spacy')}/{TOKENIZER_LANG}"


def doc_tokens(doc: Doc) -> tuple[bytes, bytes]:
    """What the cache keeps of a Doc's tokens but white space: their (start, end) offsets,
    int32 pairs, and their ORTH ids (spaCy's hash of their text), uint64."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH, ORTH

    table = doc.to_array([IDX, LENGTH, IS_SPACE, ORTH])
    table = table[table[:, 2] == 0]
    starts = table[:, 0].astype("<i4")
    offsets = np.stack([starts, starts + table[:, 1].astype("<i4")], axis=1)
    return offsets.tobytes(), table[:, 3].astype("<u8").tobytes()


class Tokenizer:
    """Makes token offsets: in this process, or in worker processes for big batches.

    spaCy's French tokenizer runs at about 350 articles a second here; a long
    export or agreement over a corpus never tokenised before spends most of
    its time there, so from PARALLEL_FROM texts a call they are split across
    `processes` workers (spawned once, on first need, then reused until
    `close`). A worker takes 2-3 s to start (it imports spaCy), which is why
    small batches stay in this process.
    """

    PARALLEL_FROM = 400

    def __init__(self, processes: int = 1) -> None:
        self.processes = max(1, processes)
        self._nlp: Any = None
        self._pool: ProcessPoolExecutor | None = None

    def tokens(self, texts: list[str]) -> list[tuple[bytes, bytes]]:
        """`doc_tokens` of each text, in order."""
        if self.processes > 1 and len(texts) >= self.PARALLEL_FROM:
            if self._pool is None:
                # spawn, not fork: the window calls this from a worker thread
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
            size = -(-len(texts) // self.processes)
            parts = [texts[i : i + size] for i in range(0, len(texts), size)]
            try:
                return [o for part in self._pool.map(_tokenize, parts) for o in part]
            except BrokenProcessPool:
                # Workers could not start (e.g. a script without a __main__ guard
                # imported us): carry on in this process.
                self.close()
                self.processes = 1
        if self._nlp is None:
            self._nlp = _blank()
        # The tokenizer alone: `nlp.pipe` refuses a text over `nlp.max_length` (E088),
        # a limit for a parser's memory that a blank pipeline has no use for (#13, case 10).
        return [doc_tokens(doc) for doc in self._nlp.tokenizer.pipe(texts)]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Tokenizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _blank() -> Any:
    import spacy

    return spacy.blank(TOKENIZER_LANG)


_WORKER_NLP: Any = None


def _tokenize(texts: list[str]) -> list[tuple[bytes, bytes]]:
    """In a worker process: the tokens of `texts`, the pipeline loaded once a worker."""
    global _WORKER_NLP
    if _WORKER_NLP is None:
        _WORKER_NLP = _blank()
    return [doc_tokens(doc) for doc in _WORKER_NLP.tokenizer.pipe(texts)]


def article_tokens(
    store: Store,
    ids: Sequence[str],
    *,
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
    tokenizer: Tokenizer | None = None,
) -> dict[str, np.ndarray]:
    """(n, 2) arrays of token (start, end) offsets, white space tokens left out.

    Tokens not in the store yet are made (by `tokenizer`, else in this
    process) and stored, 500 articles a transaction.
    """
    cached = _cached(store, ids, progress, cancelled, tokenizer)
    return {article_id: _offsets(offsets) for article_id, (offsets, _) in cached.items()}


def token_arrays(
    store: Store,
    ids: Sequence[str],
    *,
    cancelled: CancelCheck | None = None,
    tokenizer: Tokenizer | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """`article_tokens` with each token's ORTH id: ((n, 2) int32 offsets, (n,) uint64 ids).

    Rows cached before ORTH ids were kept get them now, hashed from the text
    (no tokenizing), and keep them.
    """
    cached = _cached(store, ids, None, cancelled, tokenizer)
    unhashed = [i for i, (_, orths) in cached.items() if orths is None]
    if unhashed:
        from spacy.strings import get_string_id  # a symbol's id, else the hash

        texts = dict(store.articles.texts(unhashed))
        for start in range(0, len(unhashed), CHUNK):
            filled = {}
            for article_id in unhashed[start : start + CHUNK]:
                offsets, text = cached[article_id][0], texts[article_id]
                words = [text[a:b] for a, b in _offsets(offsets).tolist()]
                orths = np.array([get_string_id(w) for w in words], dtype="<u8").tobytes()
                filled[article_id] = (offsets, orths)
            store.articles.save_tokens(tokenizer_name(), filled)
            cached.update(filled)
    return {
        article_id: (_offsets(offsets), np.frombuffer(orths, dtype="<u8"))  # type: ignore[arg-type]
        for article_id, (offsets, orths) in cached.items()
    }


def missing_tokens(
    store: Store,
    ids: Sequence[str],
    *,
    cancelled: CancelCheck | None = None,
    tokenizer: Tokenizer | None = None,
) -> None:
    """Make and keep the tokens of those of `ids` not in the cache yet."""
    if store.articles.tokens_missing(ids, tokenizer_name()):
        token_arrays(store, ids, cancelled=cancelled, tokenizer=tokenizer)


def _cached(
    store: Store,
    ids: Sequence[str],
    progress: ProgressCallback | None,
    cancelled: CancelCheck | None,
    tokenizer: Tokenizer | None,
) -> dict[str, tuple[bytes, bytes | None]]:
    """The cached (offsets, ORTH ids) of `ids`, the missing ones made and stored first."""
    name = tokenizer_name()
    cached = store.articles.tokens(ids, name)
    missing = [i for i in ids if i not in cached]
    own = tokenizer is None
    tokenizer = tokenizer or Tokenizer(processes=os.cpu_count() or 1)
    try:
        for start in range(0, len(missing), CHUNK):
            part = missing[start : start + CHUNK]
            texts = [text for _, text in store.articles.texts(part)]
            fresh: dict[str, tuple[bytes, bytes | None]] = dict(
                zip(part, tokenizer.tokens(texts), strict=True)
            )
            store.articles.save_tokens(name, fresh)
            cached.update(fresh)
            if progress is not None:
                progress(Progress(start + len(part), len(missing), "articles", "tokenizing"))
            if cancelled is not None and cancelled():
                break
    finally:
        if own:
            tokenizer.close()
    return {i: cached[i] for i in ids if i in cached}


def _offsets(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<i4").reshape(-1, 2)


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
