"""Near-duplicate articles (the same wire story lightly edited), by MinHash LSH.

The shingles are word trigrams, lower-cased. Words are found and hashed with
numpy over the text's code points in one pass (a polynomial hash,
deterministic across runs so that signatures stored in the database stay
comparable), which is several times faster than a regex and a hash call per
word in Python.

The signatures are datasketch's ("affine32" MinHash, its permutations, its
LSH bands for our threshold), computed here over the whole shingle array in
numpy: datasketch's `update_batch` goes through a Python list of every
shingle, which cost more than all the rest. A test checks both agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

# Bump when the shingles or their hashing change: stored signatures of another
# scheme are recomputed from the text before they are compared.
SCHEME = 2
NUM_PERM = 64
THRESHOLD = 0.7  # estimated Jaccard of word trigrams; a few edits in 400 words stay above
_LIMIT = 0x10000  # the Basic Multilingual Plane; astral characters (emoji) are not words
# Whether each code point is a word character, looked up by code point.
_WORD_CHARS = np.zeros(0x110000, dtype=bool)
_WORD_CHARS[:_LIMIT] = [chr(i).isalnum() for i in range(_LIMIT)]
_POWERS = np.cumprod(np.full(64, 1099511628211, dtype=np.uint64))  # FNV prime powers


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations h -> a * h + b, drawn as it draws them.

    (`MinHash(seed=1)._init_permutations`.) Made here, as the LSH bands below,
    because importing datasketch, and scipy with it, took half a second of each
    import and of each worker process making signatures. A test checks both
    are datasketch's.
    """
    draw = np.random.RandomState(1)
    a = draw.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


_A, _B = _permutations()
_B_COLUMN = _B[:, None]
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)  # no shingle: every minimum at the top
_EMPTY.flags.writeable = False  # shared by every empty text
_TEXTS_AT_ONCE = 32
# The (start, end) of each band of the signature that the LSH index keys on: the 8
# bands of 8 values datasketch's MinHashLSH works out for THRESHOLD and NUM_PERM.
_BANDS = [(start, start + 8) for start in range(0, NUM_PERM, 8)]


def signature(text: str) -> bytes:
    """The MinHash signature of a text, as bytes to store."""
    return _sketch(text).astype("<u4").tobytes()


def _sketch(text: str) -> np.ndarray:
    """The MinHash values (uint32) of the text's word trigrams (its words if fewer than 3)."""
    words = word_hashes(text)
    if len(words) >= 3:
        shingles = (words[:-2] * 0x9E3779B1 + words[1:-1] * 0x85EBCA77 + words[2:]) & 0xFFFFFFFF
        return minhash_values(shingles)
    return minhash_values(words)


def signatures(texts: Sequence[str]) -> list[bytes]:
    """`signature` of each text, worked out together (see `sketches`)."""
    return [sketch.astype("<u4").tobytes() for sketch in sketches(texts)]


def sketches(texts: Sequence[str]) -> list[np.ndarray]:
    """`_sketch` of each text, worked out a few dozen texts at a time.

    A numpy call costs microseconds whatever its size, and a text takes some
    thirty: together the texts take half as long as one by one.
    """
    out: list[np.ndarray] = []
    for i in range(0, len(texts), _TEXTS_AT_ONCE):
        out.extend(_joined_sketches(texts[i : i + _TEXTS_AT_ONCE]))
    return out


def _joined_sketches(texts: Sequence[str]) -> list[np.ndarray]:
    # A line end is no word character: no word runs from one text into the next.
    words, places = _words("\n".join(texts))
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    bounds = np.append(np.searchsorted(places, starts), len(words))  # each text's first word
    counts = np.diff(bounds)
    out: list[np.ndarray] = [_EMPTY] * len(texts)
    big = np.flatnonzero(counts >= 3)
    if len(big):
        shingles = (words[:-2] * 0x9E3779B1 + words[1:-1] * 0x85EBCA77 + words[2:]) & 0xFFFFFFFF
        permuted = _permuted(shingles)
        owner = np.repeat(np.arange(len(texts)), counts)
        permuted[:, owner[:-2] != owner[2:]] = 0xFFFFFFFF  # a trigram across two texts: none
        minima = np.minimum.reduceat(permuted, bounds[big], axis=1)
        for i, values in zip(big.tolist(), np.ascontiguousarray(minima.T), strict=True):
            out[i] = values
    for i in np.flatnonzero(counts < 3).tolist():
        out[i] = minhash_values(words[bounds[i] : bounds[i + 1]])
    return out


def minhash_values(values: np.ndarray) -> np.ndarray:
    """datasketch's affine32 MinHash of 32-bit values (`hashfunc=int`), in numpy.

    Each value is mixed with the MurmurHash3 finalizer, then permuted by
    ``a * h + b mod 2**32``; the signature is the minimum per permutation.
    """
    if not len(values):
        return _EMPTY.copy()
    return _permuted(values).min(axis=1)


def _permuted(values: np.ndarray) -> np.ndarray:
    """Each permutation (a row) of each mixed value (a column): minima along rows are fast."""
    h = values.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    permuted = np.multiply.outer(_A, h)
    permuted += _B_COLUMN
    return permuted


def word_hashes(text: str) -> np.ndarray:
    """A 32-bit hash per word (run of letters or digits) of the lower-cased text."""
    return _words(text)[0]


def _words(text: str) -> tuple[np.ndarray, np.ndarray]:
    """`word_hashes`, and where each word starts in the text."""
    codes = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32)
    at = np.flatnonzero(_WORD_CHARS[codes])  # where the word characters are
    n = len(at)
    if n == 0:
        return np.zeros(0, dtype=np.uint64), at
    first = np.empty(n, dtype=bool)  # a word character that starts a word
    first[0] = True
    np.not_equal(at[1:], at[:-1] + 1, out=first[1:])
    starts = np.flatnonzero(first)
    position = np.arange(n) - starts[np.cumsum(first) - 1]  # its place in its word
    np.minimum(position, len(_POWERS) - 1, out=position)
    terms = (codes[at].astype(np.uint64) + 1) * _POWERS[position]
    sums = np.add.reduceat(terms, starts)
    return (sums ^ (sums >> np.uint64(32))) & np.uint64(0xFFFFFFFF), at[starts]


class NearDuplicateIndex:
    """An LSH index over stored and new articles; finds the cluster a text joins.

    Signatures sharing any band of values are candidates; those whose values
    agree in at least THRESHOLD of places are near-duplicates.
    """

    def __init__(self) -> None:
        # A band's value -> the article having it, or the list of those, when
        # more than one: a str is no work for the garbage collector, 100k lists are.
        self._buckets: list[dict[bytes, str | list[str]]] = [{} for _ in _BANDS]
        self._sketches: dict[str, np.ndarray] = {}
        self._cluster: dict[str, str] = {}

    def load(self, stored: Iterable[tuple[str, str | None, bytes]]) -> None:
        """Add (id, cluster, signature) rows of articles already in the store.

        An article indexed already (added in this run) keeps what it has.
        """
        for article_id, cluster, data in stored:
            if article_id in self._sketches:
                continue
            self._insert(article_id, _unpacked(data))
            if cluster:
                self._cluster[article_id] = cluster

    def add(self, article_id: str, text: str) -> tuple[bytes, str | None, float]:
        """Index a new article; return (signature, cluster joined or None, similarity).

        The cluster is named by its first article. When a new article is the
        first near-duplicate of a lone one, both join the lone one's cluster.
        """
        return self._add(article_id, _sketch(text))

    def add_many(
        self, articles: Sequence[tuple[str, str]]
    ) -> list[tuple[bytes, str | None, float]]:
        """`add` of each (id, text) in turn, the signatures worked out together."""
        found = sketches([text for _, text in articles])
        return [self._add(i, sketch) for (i, _), sketch in zip(articles, found, strict=True)]

    def add_signatures(
        self, articles: Sequence[tuple[str, bytes]]
    ) -> list[tuple[str | None, float]]:
        """`add` of each (id, signature) in turn, the signature made already (`signatures`).

        Returns the cluster joined (or None) and the similarity of each.
        """
        return [self._join(article_id, _unpacked(data)) for article_id, data in articles]

    def cluster_of(self, article_id: str) -> str | None:
        return self._cluster.get(article_id)

    def _add(self, article_id: str, sketch: np.ndarray) -> tuple[bytes, str | None, float]:
        cluster, similarity = self._join(article_id, sketch)
        return sketch.astype("<u4").tobytes(), cluster, similarity

    def _join(self, article_id: str, sketch: np.ndarray) -> tuple[str | None, float]:
        keys = _band_keys(sketch)
        best, best_sim = None, 0.0
        for other in self._candidates(keys):
            sim = int(np.count_nonzero(sketch == self._sketches[other])) / NUM_PERM
            if sim >= THRESHOLD and (sim > best_sim or (sim == best_sim and other < best)):
                best, best_sim = other, sim
        self._insert(article_id, sketch, keys)
        cluster = None
        if best is not None:
            cluster = self._cluster.setdefault(best, best)
            self._cluster[article_id] = cluster
        return cluster, best_sim

    def _candidates(self, keys: list[bytes]) -> set[str]:
        found: set[str] = set()
        for key, bucket in zip(keys, self._buckets, strict=True):
            same = bucket.get(key)
            if isinstance(same, str):
                found.add(same)
            elif same:
                found.update(same)
        return found

    def _insert(self, article_id: str, sketch: np.ndarray, keys: list[bytes] | None = None) -> None:
        if article_id in self._sketches:
            raise ValueError(f"article {article_id} is indexed already")
        self._sketches[article_id] = sketch
        for key, bucket in zip(keys or _band_keys(sketch), self._buckets, strict=True):
            same = bucket.setdefault(key, article_id)
            if isinstance(same, list):
                same.append(article_id)
            elif same != article_id:
                bucket[key] = [same, article_id]


def _band_keys(sketch: np.ndarray) -> list[bytes]:
    """The bytes of each band of a signature: what the index's buckets are keyed on."""
    data, width = sketch.tobytes(), sketch.itemsize  # one numpy call, not one a band
    return [data[width * start : width * end] for start, end in _BANDS]


def _unpacked(data: bytes) -> np.ndarray:
    """A stored signature as the uint32 values it holds."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
