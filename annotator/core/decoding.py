"""Bytes of a text file to text: BOMs, UTF-8, then legacy encodings.

UTF-8 is tried first because it is by far the most common and a strict decode
cannot mistake it. Only when that fails does charset-normalizer choose among
the legacy encodings French text comes in; a file that is almost UTF-8 but has
a broken byte is rejected with its line, rather than read as mojibake.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from annotator.core.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What French text arrives in when it is not UTF-8.
_LEGACY = ["cp1252", "iso8859_15", "latin_1"]
# Control characters no text file has; many of them mean a binary file.
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13})
# Latin-1 reads bytes 0x80-0x9F as C1 controls, which no text holds (imports refuse
# them): such bytes are CP1252's (…, €, œ, curly quotes), read as CP1252 below.
_C1 = re.compile("[\x80-\x9f]")


def decode(data: bytes, where: str) -> tuple[str, str]:
    """Return ``(text, encoding)``, or raise InputError naming `where`."""
    if not data.strip():
        raise InputError(where, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, where), encoding
    if _looks_binary(data):
        raise InputError(where, f"binary file, not text (a control byte on line {_first(data)})")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _has_utf8_sequences(data):
            line = data.count(b"\n", 0, error.start) + 1
            raise InputError(
                f"{where}:{line}",
                f"undecodable bytes: invalid UTF-8 at byte {error.start} "
                f"({data[error.start : error.start + 1]!r}) in an otherwise UTF-8 file",
            ) from None
    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is not None and not (best.encoding != "cp1252" and _C1.search(str(best))):
        return str(best), best.encoding
    # The detector abstains on short texts; CP1252 is what such a file most
    # likely is, and a strict decode still rejects its five undefined bytes.
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            f"{where}:{line}", "undecodable bytes: neither UTF-8, CP1252 nor Latin-1"
        ) from None


def _strict(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(
            where, f"undecodable bytes: invalid {encoding} at byte {error.start}"
        ) from None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _CONTROL)
    return controls > len(sample) * 0.01


def _first(data: bytes) -> int:
    """The line of the first NUL or control byte of the sample `_looks_binary` read."""
    sample = data[:8192]
    at = min(i for i, byte in enumerate(sample) if byte in _CONTROL)  # NUL is among them
    return sample.count(b"\n", 0, at) + 1


def _has_utf8_sequences(data: bytes) -> bool:
    """True when the bytes hold at least one well-formed multibyte UTF-8 character."""
    return any(ord(ch) > 0x7F for ch in data.decode("utf-8", errors="ignore"))
