"""What an import format is: a name, file endings, and a streaming reader."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.records import ArticleDraft

# An article text longer than this is refused: nobody annotates a 50 MB
# "article", and it is far more likely a wrong file.
DEFAULT_MAX_CHARS = 5_000_000


@dataclass(frozen=True, slots=True)
class ReadOptions:
    max_chars: int = DEFAULT_MAX_CHARS


# Each item read, with how many bytes of the file have been read so far.
Read = tuple[ArticleDraft | InputError, int]
Reader = Callable[[Path, ReadOptions], Iterator[Read]]
# One line of a file (its bytes with the line end, its number, the file) to the article
# it holds, or why it holds none; None for a blank line.
LineParser = Callable[[bytes, int, Path, ReadOptions], ArticleDraft | InputError | None]


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    read: Reader
    description: str
    # Formats of one article a line also give the parser of a line, so that a big
    # file can be read in pieces, by several processes at once.
    parse_line: LineParser | None = None


def too_large(where: str, chars: int, options: ReadOptions) -> InputError:
    return InputError(
        where,
        f"article too large: {chars / 1e6:.1f} million characters "
        f"(the limit is {options.max_chars / 1e6:.1f} million; raise it with --max-chars)",
    )


# What JSON bytes decoded as json.loads does (UTF-8, surrogates let through) need to
# give a string holding a surrogate: a \uD800-\uDFFF escape or its UTF-8 bytes. Two
# patterns, each starting with a fixed byte, not one alternation: six times faster.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf]")


def may_hold_surrogate(raw: bytes) -> bool:
    """Whether `json.loads(raw)` can hold a surrogate; False is sure, True only maybe.

    Looking through the bytes takes a sixth of the time of `lone_surrogate`
    walking every string of the decoded record.
    """
    return (
        _SURROGATE_ESCAPE.search(raw) is not None
        or _SURROGATE_BYTES.search(raw) is not None
        or not json.detect_encoding(raw).startswith("utf-8")  # UTF-16 or UTF-32 bytes
    )


def lone_surrogate(value: object, path: str = "") -> str | None:
    """Where a string of a JSON value holds half a surrogate pair, if one does."""
    if isinstance(value, str):
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            code, at = ord(value[error.start]), error.start
            return f"{path or 'a string'} holds a lone surrogate (U+{code:04X}) at character {at}"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = lone_surrogate(key, "a key") or lone_surrogate(item, f'"{key}"')
            if found:
                return found
    elif isinstance(value, list):
        for item in value:
            found = lone_surrogate(item, path)
            if found:
                return found
    return None


def record_text(
    record: object,
    where: str,
    options: ReadOptions,
    what: str = "record",
    *,
    raw: bytes | None = None,
) -> str | InputError:
    """The `text` of a JSON record, or why there is none to read.

    `raw`, the bytes the record was decoded from, when given, spares looking for
    lone surrogates in records that cannot hold one.
    """
    if not isinstance(record, dict):
        return InputError(where, f"expected a JSON object, found {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        return InputError(where, f'no "text" string in this {what}')
    if len(text) > options.max_chars:
        return too_large(where, len(text), options)
    broken = None if raw is not None and not may_hold_surrogate(raw) else lone_surrogate(record)
    if broken is not None:
        # JSON can spell half of a surrogate pair ("\ud800"); no Unicode text holds one
        # and SQLite cannot store one.
        return InputError(where, f"{broken}: it is not valid Unicode")
    return text
