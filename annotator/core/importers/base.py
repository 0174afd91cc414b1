"""What an import format is: a name, file endings, and a streaming reader."""

from __future__ import annotations

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


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    read: Reader
    description: str


def too_large(where: str, chars: int, options: ReadOptions) -> InputError:
    return InputError(
        where,
        f"article too large: {chars / 1e6:.1f} million characters "
        f"(the limit is {options.max_chars / 1e6:.1f} million; raise it with --max-chars)",
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
    record: object, where: str, options: ReadOptions, what: str = "record"
) -> str | InputError:
    """The `text` of a JSON record, or why there is none to read."""
    if not isinstance(record, dict):
        return InputError(where, f"expected a JSON object, found {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        return InputError(where, f'no "text" string in this {what}')
    if len(text) > options.max_chars:
        return too_large(where, len(text), options)
    broken = lone_surrogate(record)
    if broken is not None:
        # JSON can spell half of a surrogate pair ("\ud800"); no Unicode text holds one
        # and SQLite cannot store one.
        return InputError(where, f"{broken}: it is not valid Unicode")
    return text
