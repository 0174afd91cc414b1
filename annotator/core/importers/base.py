"""What an import format is: a name, file endings, and a streaming reader."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
        f"article too large: {_count(chars)} characters "
        f"(the limit is {_count(options.max_chars)}; raise it with --max-chars)",
    )


def _count(chars: int) -> str:
    """5.2 million, or 1,234: a count under a million is shown as it is."""
    return f"{chars / 1e6:.1f} million" if chars >= 1_000_000 else f"{chars:,}"


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
    return text_problem(text, where) or text


def record_meta(
    record: dict[str, Any], where: str, what: str = "record"
) -> dict[str, Any] | InputError:
    """A copy of the record's `meta` object (none: empty), or why it is refused.

    A `meta` that is no object would otherwise be dropped in silence.
    """
    given = record.get("meta")
    if given is None:
        return {}
    if not isinstance(given, dict):
        kind = type(given).__name__
        return InputError(where, f'"meta" must be a JSON object, not {kind}; {what} not stored')
    return dict(given)


def shown(path: Path | str) -> str:
    """A file name as text that prints and stores: bytes that are not UTF-8 as ``\\xNN``.

    Python keeps such bytes of a name as lone surrogates, which neither a
    terminal nor SQLite takes; the file itself is still opened by its `Path`.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def printable(name: str) -> str:
    """A name from a file as a message shows it: as it is, or quoted with escapes.

    A label holding an escape code would otherwise reach the terminal as one.
    """
    return name if name.isprintable() else repr(name)


# Texts hold no control characters but tab and line ends: a NUL or an escape code is a
# binary or forged file, and one inside a text broke every span after it.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_problem(text: str, where: str) -> InputError | None:
    """Why a text read is not one to store (a control character, named by its line), or None."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    at = found.start()
    line = text.count("\n", 0, at) + 1
    return InputError(
        where,
        f"control character U+{ord(found.group()):04X} in the text (its line {line}, "
        f"character {at}): not text; article not stored",
    )


# Deeper than this, a JSON record is no article (ours nest 4 levels): refused, so that
# nothing stored is too deep to write back (json's own limit is Python's stack).
JSON_MAX_DEPTH = 100


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e999: JSON has no infinity
        raise ValueError(f"{literal} is too large a number")
    return value


# NaN, Infinity and overflowing floats refused: JSON has none, and a stored one made
# every JSON export of the article invalid.
DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)


def load_json(raw: bytes | str, where: str, what: str = "JSON") -> Any:
    """The JSON value of `raw`, or the InputError naming `where` that says why there is none.

    Every way a line of JSON can fail is an InputError, never an exception: a
    number of thousands of digits (Python's limit on int digits), NaN,
    nesting thousands deep (Python's stack), undecodable bytes.
    """
    try:
        if isinstance(raw, bytes):
            raw = raw.decode(json.detect_encoding(raw), "surrogatepass")
        value = DECODER.decode(raw)
        # Fewer brackets than the limit cannot nest deeper: most records are not walked.
        deep = raw.count("{") + raw.count("[") > JSON_MAX_DEPTH and too_deep(value)
    except UnicodeDecodeError as error:
        return InputError(where, f"undecodable bytes: {what} must be UTF-8 ({error.reason})")
    except json.JSONDecodeError as error:
        return InputError(where, f"invalid JSON: {error.msg} (column {error.colno})")
    except ValueError as error:  # a number too long, NaN
        return InputError(where, f"invalid JSON: {_short(error)}")
    except RecursionError:
        return InputError(where, f"invalid JSON: nested deeper than {JSON_MAX_DEPTH} levels")
    if deep:
        return InputError(where, f"invalid JSON: nested deeper than {JSON_MAX_DEPTH} levels")
    return value


def _short(error: ValueError) -> str:
    message = str(error)
    if "integer string conversion" in message:
        return "a number of more than 4300 digits"
    return message


def too_deep(value: Any, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether a decoded JSON value nests deeper than `limit` (walked without recursion)."""
    if not isinstance(value, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False
