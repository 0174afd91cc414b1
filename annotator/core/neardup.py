"""Near-duplicate articles (the same wire story lightly edited), by MinHash LSH.

datasketch does the MinHash and the LSH index. We only choose the shingles:
word trigrams, lower-cased, hashed with CRC32 (deterministic across runs, so
signatures stored in the database stay comparable) and combined with numpy,
which is far faster than hashing each shingle string in Python.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
THRESHOLD = 0.7  # estimated Jaccard of word trigrams; a few edits in 400 words stay above
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")
_TEMPLATE = MinHash(num_perm=NUM_PERM, scheme=_SCHEME, hashfunc=int)


def signature(text: str) -> bytes:
    """The MinHash signature of a text, as bytes to store."""
    return _minhash(text).hashvalues.astype("<u4").tobytes()


def _minhash(text: str) -> MinHash:
    words = np.fromiter(
        (zlib.crc32(w.encode()) for w in _WORD.findall(text.lower())), dtype=np.uint64
    )
    m = MinHash(
        num_perm=NUM_PERM, scheme=_SCHEME, hashfunc=int, permutations=_TEMPLATE.permutations
    )
    if len(words) >= 3:
        shingles = (words[:-2] * 0x9E3779B1 + words[1:-1] * 0x85EBCA77 + words[2:]) & 0xFFFFFFFF
        m.update_batch(np.unique(shingles).tolist())
    elif len(words):
        m.update_batch(words.tolist())
    return m


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
