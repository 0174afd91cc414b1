"""spaCy's ids for strings and token attributes, computed as spaCy computes them.

The DocBin export needs from spaCy only these numbers; its symbol table is
read from `spacy.symbols` when a string is one of spaCy's symbols.
`tests/core/test_docbin_arrays.py` checks each one against spaCy itself.
"""

from __future__ import annotations

import functools
import struct

# Token attribute ids (spacy.attrs, stable across spaCy 3.x) and the DocBin format version.
ORTH = 65
ENT_IOB = 77
ENT_TYPE = 78
SPACY = 81
DOCBIN_VERSION = "0.1"

# ENT_IOB values: a token inside, outside or at the beginning of an entity (0: unset).
IOB_I, IOB_O, IOB_B = 1, 2, 3

_M = 0xC6A4A7935BD1E995  # MurmurHash64A's constants
_R = 47
_MASK = (1 << 64) - 1
_SEED = 1  # the seed spaCy's StringStore hashes with


@functools.lru_cache(maxsize=4096)
def string_id(text: str) -> int:
    """The id spaCy's StringStore gives `text`: its symbol id when spaCy has a symbol of
    that name (PER, LOC, ORG, DATE, ... have one), else `hash_string(text)`.

    Called for the few strings the token cache does not hold: labels and
    white space tokens.
    """
    symbol = _symbols().get(text)
    return symbol if symbol is not None else hash_string(text)


def hash_string(text: str) -> int:
    """`spacy.strings.hash_string(text)`: MurmurHash64A of its UTF-8 bytes, seed 1."""
    data = text.encode("utf-8")
    h = (_SEED ^ (len(data) * _M)) & _MASK
    whole = len(data) - len(data) % 8
    for (k,) in struct.iter_unpack("<Q", data[:whole]):
        k = (k * _M) & _MASK
        k ^= k >> _R
        k = (k * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if whole < len(data):
        h = ((h ^ int.from_bytes(data[whole:], "little")) * _M) & _MASK
    h ^= h >> _R
    h = (h * _M) & _MASK
    return h ^ (h >> _R)


@functools.cache
def _symbols() -> dict[str, int]:
    """spaCy's symbol table (`spacy.symbols.IDS`), imported the ordinary way.

    Loading the compiled module alone, by file, and registering it in
    `sys.modules` saved spaCy's import (about 0.8 s) but reached into spaCy's
    private layout; the project takes no speed from a dependency's internals.
    """
    from spacy.symbols import IDS

    return dict(IDS)
