"""Near-duplicate articles (the same wire story lightly edited), by MinHash LSH.

datasketch does the MinHash and the LSH index. We only choose the shingles:
word trigrams, lower-cased. Words are found and hashed with numpy over the
text's code points in one pass (a polynomial hash, deterministic across runs
so that signatures stored in the database stay comparable), which is several
times faster than a regex and a hash call per word in Python.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

# Bump when the shingles or their hashing change: stored signatures of another
# scheme are recomputed from the text before they are compared.
SCHEME = 2
NUM_PERM = 64
THRESHOLD = 0.7  # estimated Jaccard of word trigrams; a few edits in 400 words stay above
_SCHEME = "affine32"
_LIMIT = 0x10000  # the Basic Multilingual Plane; astral characters (emoji) are not words
_WORD_CHARS = np.array([chr(i).isalnum() for i in range(_LIMIT)], dtype=bool)
_POWERS = np.cumprod(np.full(64, 1099511628211, dtype=np.uint64))  # FNV prime powers
_TEMPLATE = MinHash(num_perm=NUM_PERM, scheme=_SCHEME, hashfunc=int)


def signature(text: str) -> bytes:
    """The MinHash signature of a text, as bytes to store."""
    return _minhash(text).hashvalues.astype("<u4").tobytes()


def _minhash(text: str) -> MinHash:
    words = word_hashes(text)
    m = MinHash(
        num_perm=NUM_PERM, scheme=_SCHEME, hashfunc=int, permutations=_TEMPLATE.permutations
    )
    if len(words) >= 3:
        shingles = (words[:-2] * 0x9E3779B1 + words[1:-1] * 0x85EBCA77 + words[2:]) & 0xFFFFFFFF
        m.update_batch(shingles.tolist())  # repeats are harmless to a minimum
    elif len(words):
        m.update_batch(words.tolist())
    return m


def word_hashes(text: str) -> np.ndarray:
    """A 32-bit hash per word (run of letters or digits) of the lower-cased text."""
    codes = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32)
    word = _WORD_CHARS[np.minimum(codes, _LIMIT - 1)] & (codes < _LIMIT)
    edges = np.diff(word.astype(np.int8), prepend=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    if len(starts) == 0:
        return np.zeros(0, dtype=np.uint64)
    owner = np.maximum(np.cumsum(edges == 1) - 1, 0)  # the word each character is in
    position = np.arange(len(codes)) - starts[owner]  # its place in that word
    terms = (codes.astype(np.uint64) + 1) * _POWERS[np.minimum(position, len(_POWERS) - 1)]
    sums = np.add.reduceat(np.where(word, terms, np.uint64(0)), starts)
    return (sums ^ (sums >> np.uint64(32))) & np.uint64(0xFFFFFFFF)


def _from_bytes(data: bytes) -> MinHash:
    return MinHash(
        hashvalues=np.frombuffer(data, dtype="<u4"),
        scheme=_SCHEME,
        permutations=_TEMPLATE.permutations,
    )


class NearDuplicateIndex:
    """An LSH index over stored and new articles; finds the cluster a text joins."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._sketches: dict[str, MinHash] = {}
        self._cluster: dict[str, str] = {}

    def load(self, stored: Iterable[tuple[str, str | None, bytes]]) -> None:
        """Add (id, cluster, signature) rows of articles already in the store."""
        with self._lsh.insertion_session() as session:
            for article_id, cluster, data in stored:
                sketch = _from_bytes(data)
                session.insert(article_id, sketch)
                self._sketches[article_id] = sketch
                if cluster:
                    self._cluster[article_id] = cluster

    def add(self, article_id: str, text: str) -> tuple[bytes, str | None, float]:
        """Index a new article; return (signature, cluster joined or None, similarity).

        The cluster is named by its first article. When a new article is the
        first near-duplicate of a lone one, both join the lone one's cluster.
        """
        sketch = _minhash(text)
        best, best_sim = None, 0.0
        for other in self._lsh.query(sketch):
            sim = sketch.jaccard(self._sketches[other])
            if sim >= THRESHOLD and (sim > best_sim or (sim == best_sim and other < best)):
                best, best_sim = other, sim
        self._lsh.insert(article_id, sketch)
        self._sketches[article_id] = sketch
        cluster = None
        if best is not None:
            cluster = self._cluster.setdefault(best, best)
            self._cluster[article_id] = cluster
        return sketch.hashvalues.astype("<u4").tobytes(), cluster, best_sim

    def cluster_of(self, article_id: str) -> str | None:
        return self._cluster.get(article_id)
