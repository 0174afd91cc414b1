"""Spans in JSON records: our own export form, and what the JSON-based readers share.

`spans_from_record` reads the spans of our own JSON Lines export,
``{"text", "spans": [{"start", "end", "label", "attrs"?}, ...]}``, for the plain
`jsonl` reader to call. Offsets are Python str offsets into ``text``, end
exclusive. A span's ``origin`` (accepted / edited / manual in the export) is
not carried: spans read from a file are imported work.

The doccano, Prodigy and Label Studio readers share two helpers from here:

- `checked_span` makes a `Span` or says, as an `InputError`, why it cannot
  (offsets not integers, out of the text, empty; no label; text not the one the
  file quotes).
- `json_records` streams the JSON values of a file, one a line (JSON Lines), or,
  when the file starts with ``[``, or its first non-blank line is a lone ``{``,
  or that line does not parse on its own but the file does, as a JSON
  document: one object, a list of objects, or objects one after another,
  pretty-printed over many lines or not. A top-level list is read element by
  element, never whole. A JSON Lines line holding a list gives each of its
  elements.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.errors import InputError
from annotator.core.importers.base import (
    DECODER,
    ReadOptions,
    load_json,
    printable,
    shown,
    too_deep,
    too_large,
)
from annotator.core.records import Span

_BOM = b"\xef\xbb\xbf"
_WHITE = " \t\r\n"
_CHUNK = 1 << 16

# A JSON value read, or why it could not be, with where it starts and the bytes read so far.
Record = tuple[Any, str, int]


def spans_from_record(record: dict[str, Any], where: str = "record") -> tuple[Span, ...] | None:
    """The spans of one record of our export form, or None when it has no ``spans`` key.

    Raises `InputError` naming `where` on the first bad span (the record's text
    is then not the one its spans were made for, so none of them is trusted).
    Extra keys of a span (``origin``, ``text``...) are ignored, except that a
    ``text`` key, when present, must be the text the offsets select.
    """
    if "spans" not in record or record["spans"] is None:
        return None
    text, items = record.get("text"), record["spans"]
    if not isinstance(text, str):
        raise InputError(where, 'no "text" string in this record')
    if not isinstance(items, list):
        raise InputError(where, f'"spans" must be a list, found {type(items).__name__}')
    spans = []
    length = len(text)
    for number, item in enumerate(items, start=1):
        span = _plain_span(item, text, length) if type(item) is dict else None
        spans.append(span or _span_of(item, number, text, where))
    return tuple(spans)


def _plain_span(item: dict[str, Any], text: str, length: int) -> Span | None:
    """The span of a well-formed item, or None to check it the long way (for its message).

    Hundreds of thousands of spans in an import: this is `checked_span` for
    the common case, exact types and all, without building a message.
    """
    start, end, label = item.get("start"), item.get("end"), item.get("label")
    attrs = item.get("attrs") or {}
    expected = item.get("text")
    if (
        type(start) is int
        and type(end) is int
        and type(label) is str
        and type(attrs) is dict
        and 0 <= start < end <= length
        and label.strip()
        and (type(expected) is not str or text[start:end] == expected)
    ):
        # Most spans have no attributes: `or {}` made a fresh dict already.
        return Span(start, end, label, dict(attrs) if attrs else attrs)
    return None


def _span_of(item: Any, number: int, text: str, where: str) -> Span:
    """The span of item `number`, or the InputError saying what is wrong with it."""
    if not isinstance(item, dict):
        raise InputError(where, f"span {number}: expected an object, found {item!r}")
    attrs = item.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise InputError(where, f'span {number}: "attrs" must be an object')
    expected = item.get("text")
    span = checked_span(
        text,
        item.get("start"),
        item.get("end"),
        item.get("label"),
        where,
        attrs=attrs,
        expected=expected if isinstance(expected, str) else None,
    )
    if isinstance(span, InputError):
        raise span
    return span


def checked_span(
    text: str,
    start: Any,
    end: Any,
    label: Any,
    where: str,
    *,
    attrs: dict[str, Any] | None = None,
    expected: str | None = None,
) -> Span | InputError:
    """``Span(start, end, label)`` if it selects characters of `text`, else why not.

    `expected`, when given, is the text the file says the span covers; it must
    be exactly ``text[start:end]``.
    """
    if not (_is_int(start) and _is_int(end)):
        return InputError(where, f"span offsets must be integers, found {start!r} and {end!r}")
    if not isinstance(label, str) or not label.strip():
        return InputError(where, f"span {start}-{end} has no label (found {label!r})")
    if not 0 <= start < end <= len(text):
        what = {start == end: "is empty", start > end: "ends before it starts"}.get(
            True, "is outside the text"
        )
        shown_label = printable(label)
        return InputError(
            where, f"span {start}-{end} {shown_label} {what} ({len(text)} characters long)"
        )
    if expected is not None and text[start:end] != expected:
        return InputError(
            where,
            f"span {start}-{end} {printable(label)} covers {text[start:end]!r} "
            f"but the file says {expected!r}",
        )
    return Span(start, end, label, dict(attrs or {}))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def json_records(path: Path, options: ReadOptions) -> Iterator[Record]:
    """Each JSON value of a JSON Lines file or of a JSON document (see the module doc)."""
    name = shown(path)
    with path.open("rb") as stream:
        head = stream.read(_CHUNK).removeprefix(_BOM).lstrip()
        stream.seek(0)
        if head.startswith(b"[") or head.split(b"\n", 1)[0].strip() == b"{":
            yield from _document(stream, path, options)
            return
        position = 0
        first = True
        for number, raw in enumerate(stream, start=1):
            position += len(raw)
            if number == 1:
                raw = raw.removeprefix(_BOM)
            stripped = raw.strip()
            if not stripped:
                continue
            where = f"{name}:{number}"
            if len(raw) > 4 * options.max_chars:
                yield too_large(where, len(raw), options), where, position
                first = False
                continue
            value = load_json(raw, where)
            if isinstance(value, InputError):
                if first and value.message.startswith("invalid JSON: ") and stripped[:1] in b"{[":
                    # Perhaps one JSON document laid over several lines.
                    stream.seek(0)
                    document = _document(stream, path, options)
                    opening = next(document, None)
                    if opening is not None and not isinstance(opening[0], InputError):
                        yield opening
                        yield from document
                        return
                    stream.seek(position)
                yield value, where, position
                first = False
                continue
            first = False
            if isinstance(value, list):
                for item in value:
                    yield item, where, position
            else:
                yield value, where, position
        if first:
            yield InputError(name, "empty file"), name, position


def _undecodable(where: str, error: UnicodeDecodeError) -> InputError:
    return InputError(where, f"undecodable bytes: JSON must be UTF-8 ({error.reason})")


class _Document:
    """Text of a stream read chunk by chunk, with the line number of the read position."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.at = 0
        self.line = 1
        self.eof = False

    def more(self, size: int) -> None:
        data = self.stream.read(size)
        self.eof = not data
        self.text += self.decoder.decode(data, final=self.eof)

    def compact(self) -> None:
        if self.at:
            self.text = self.text[self.at :]
            self.at = 0

    def peek(self) -> str | None:
        """The next character that is not white space, or None at the end of the file."""
        while True:
            text, at = self.text, self.at
            while at < len(text) and text[at] in _WHITE:
                at += 1
            self.line += text.count("\n", self.at, at)
            self.at = at
            if at < len(text):
                return text[at]
            if self.eof:
                return None
            self.compact()
            self.more(_CHUNK)

    def skip(self) -> None:
        self.at += 1  # past a structural character, never a line end

    def value(self, limit: int) -> Any:
        """The JSON value starting here; reads more of the file until it is whole.

        A well-formed value that is no article (a number of thousands of digits,
        NaN, nested too deep) is passed over and given as `_Refused`, so that the
        values after it are read.
        """
        size = _CHUNK
        while True:
            try:
                value, end = self._decoded()
            except RecursionError:
                # Past Python's stack: where it ends cannot be found; nothing after is read.
                raise json.JSONDecodeError("nested too deep", self.text, self.at) from None
            except json.JSONDecodeError:  # cut short, perhaps: read more, up to the limit
                if self.eof or len(self.text) - self.at > limit:
                    raise
                self.compact()
                self.more(size)
                size *= 2
                continue
            self.line += self.text.count("\n", self.at, end)
            self.at = end
            return value

    def _decoded(self) -> tuple[Any, int]:
        """The value starting here and where it ends; JSONDecodeError if not whole."""
        try:
            value, end = DECODER.raw_decode(self.text, self.at)
        except json.JSONDecodeError:
            raise
        except ValueError as error:  # perhaps well-formed: _LENIENT finds where it ends
            _, end = _LENIENT.raw_decode(self.text, self.at)
            return _Refused(f"invalid JSON: {_number_problem(error)}"), end
        if too_deep(value):
            return _Refused("invalid JSON: nested too deep"), end
        return value, end


@dataclass(frozen=True, slots=True)
class _Refused:
    """A well-formed JSON value of a document that is refused, and why."""

    why: str


# Reads any well-formed value, only to find where it ends.
_LENIENT = json.JSONDecoder(
    parse_int=lambda _: 0, parse_float=lambda _: 0.0, parse_constant=lambda _: 0.0
)


def _number_problem(error: ValueError) -> str:
    message = str(error)
    return "a number of more than 4300 digits" if "integer string" in message else message


def _document(stream: BinaryIO, path: Path, options: ReadOptions) -> Iterator[Record]:
    document = _Document(stream)
    limit = 4 * options.max_chars
    in_list = False  # inside a top-level list
    expect_value = True
    name = shown(path)
    where = name

    def failed(problem: InputError) -> Record:
        return problem, problem.where, stream.tell()

    try:
        while True:
            char = document.peek()
            where = f"{name}:{document.line}"
            if char is None:
                if in_list:
                    yield failed(InputError(where, "invalid JSON: the file ends inside a list"))
                return
            if not in_list and char == "[":
                document.skip()
                in_list, expect_value = True, True
                continue
            if in_list and char == "]":
                document.skip()
                in_list = False
                continue
            if in_list and not expect_value:
                if char != ",":
                    message = f"invalid JSON: expected ',' or ']', not {char!r}"
                    yield failed(InputError(where, message))
                    return
                document.skip()
                expect_value = True
                continue
            start = document.line
            try:
                value = document.value(limit)
            except json.JSONDecodeError as error:
                where = f"{name}:{start + document.text.count(chr(10), document.at, error.pos)}"
                unread = len(document.text) - document.at
                if unread > limit:
                    yield failed(too_large(where, unread, options))
                else:
                    yield failed(InputError(where, f"invalid JSON: {error.msg}"))
                return
            expect_value = not in_list
            if isinstance(value, _Refused):
                yield failed(InputError(f"{name}:{start}", value.why))
            else:
                yield value, f"{name}:{start}", stream.tell()
    except UnicodeDecodeError as error:
        yield failed(_undecodable(where, error))
