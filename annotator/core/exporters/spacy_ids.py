"""spaCy's ids for strings and token attributes, without importing spaCy.

Importing spaCy takes about 0.8 s, a third of what a DocBin export of 10k
articles may take; the DocBin export needs from it only these numbers.
`tests/core/test_docbin_arrays.py` checks each one against spaCy itself.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import struct
import sys
from pathlib import Path

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
    """spaCy's symbol table (`spacy.symbols.IDS`), read without importing spaCy.

    `spacy.symbols` is a compiled module that imports nothing; loading it
    alone takes a millisecond, where importing it through the package runs
    spaCy's `__init__`. It is then registered as the package's own, so a
    later `import spacy` uses this very module. If it cannot be loaded that
    way, spaCy is imported.
    """
    name = "spacy.symbols"
    if name not in sys.modules:
        spec = importlib.util.find_spec("spacy")
        folder = Path(spec.origin).parent if spec and spec.origin else None
        found = (
            sorted(folder.glob("symbols.*.so")) + sorted(folder.glob("symbols.*.pyd"))
            if folder
            else []
        )
        module_spec = importlib.util.spec_from_file_location(name, found[0]) if found else None
        if module_spec is not None and module_spec.loader is not None:
            module = importlib.util.module_from_spec(module_spec)
            try:
                module_spec.loader.exec_module(module)
            except ImportError:
                pass
            else:
                sys.modules[name] = module
    return dict(importlib.import_module(name).IDS)
