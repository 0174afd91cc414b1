"""CSV: one article a row; a `text` column, the other columns kept as metadata.

Quoting is RFC 4180's, whatever the file looks like: a field may be quoted
with ``"``, a ``""`` inside it is one ``"``, and a quoted field may hold line
breaks. Only the delimiter (comma, semicolon as French spreadsheets write, or
tab) and the encoding (UTF-8, else CP1252) are detected from the start of the
file.

A broken row is refused, named by the line it starts on, and the rows after it
are read: a character after a closing quote, undecodable bytes, or a quote
that is never closed. An unclosed quote swallows the lines after it into its
field, so a record that ends the file inside a quote, or whose quoted field
runs over lines that each read as a whole row, is taken for one: it is
refused and reading starts again on the line after the one it began on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from annotator.core.decoding import decode
from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    shown,
    text_problem,
    too_large,
)
from annotator.core.records import ArticleDraft

_SAMPLE = 64 * 1024
# After this many broken rows the file is surely no CSV of ours: the rest is not read
# (each unclosed quote reads the rest of the file again).
_MAX_BROKEN = 100
# Control bytes but tab and line ends; UTF-16 and UTF-32 are read by their BOM, with them.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
# Bytes that do not decode, kept by the "surrogateescape" handler as these characters.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


class _Rfc4180(csv.Dialect):
    """RFC 4180 quoting; `strict` makes a stray quote an error, not a shifted field."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    skipinitialspace = False
    strict = True


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    where = shown(path)
    with path.open("rb") as binary:
        head = binary.read(_SAMPLE)
        # A control byte (NUL, ESC) is its row's fault, refused and named with its line
        # (`_article`), not a binary file's: the sample to detect the encoding goes without.
        sample = head if head.startswith(_WIDE_BOMS) else _CONTROL_BYTES.sub(b"", head)
        try:
            _, encoding = decode(_whole_lines(sample), where)
        except InputError as error:
            if not _almost_utf8(sample):
                yield error, path.stat().st_size
                return
            encoding = "utf-8"  # its broken rows are refused one by one
        binary.seek(0)
        # A byte that does not decode further on is the fault of its row alone.
        stream = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
        delimiter = _delimiter(head.decode(encoding, errors="replace"))
        csv.field_size_limit(4 * options.max_chars)
        for item in _records(_Lines(stream), delimiter, where, options):
            yield item, binary.tell()


def _records(
    lines: _Lines, delimiter: str, where: str, options: ReadOptions
) -> Iterator[ArticleDraft | InputError]:
    reader = csv.reader(lines, _Rfc4180, delimiter=delimiter)
    try:
        columns = next(reader, [])
    except csv.Error as error:
        yield InputError(f"{where}:1", f"invalid CSV header: {error}")
        return
    if any(_UNDECODABLE.search(column) for column in columns):
        yield InputError(f"{where}:1", "undecodable bytes in the header; file not read")
        return
    if "text" not in columns:
        found = ", ".join(c for c in columns if c) or "none"
        yield InputError(where, f'no "text" column (columns found: {found})')
        return
    broken = 0
    while True:
        start = lines.start()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problem: InputError | None = InputError(
                f"{where}:{start}", f"invalid CSV: {_why(error)}; row not stored"
            )
        else:
            problem = _swallowed(lines, columns, delimiter, f"{where}:{start}")
            if problem is None:
                if cells:  # a blank line is no row
                    yield _article(columns, cells, f"{where}:{start}", where, options)
                continue
        yield problem
        broken += 1
        if broken >= _MAX_BROKEN:
            yield InputError(where, f"{broken} broken rows: the rest of the file is not read")
            return
        # Its quote may have swallowed the rows after its first line: read them again.
        lines.again_after_first()
        reader = csv.reader(lines, _Rfc4180, delimiter=delimiter)


def _why(error: csv.Error) -> str:
    message = str(error)
    if message == "unexpected end of data":
        return "a quote opened on this line is never closed"
    return message


def _swallowed(lines: _Lines, columns: list[str], delimiter: str, where: str) -> InputError | None:
    """Why a record read whole is an unclosed quote's, or None.

    Its quoted field ran over two lines or more that each, on their own, read
    as a row of the header's width: rows a stray quote swallowed, far more
    likely than a text whose every line has exactly that many delimiters.
    """
    after = lines.held[1:]
    if len(after) < 2:
        return None
    for line in after:
        try:
            alone = next(csv.reader([line], _Rfc4180, delimiter=delimiter), [])
        except csv.Error:
            return None
        if len(alone) != len(columns):
            return None
    return InputError(
        where,
        f"invalid CSV: a quote opened on this line closes {len(after)} lines further, "
        "over lines that read as rows (an unclosed quote?); row not stored",
    )


def _article(
    columns: list[str], cells: list[str], where: str, source: str, options: ReadOptions
) -> ArticleDraft | InputError:
    if any(_UNDECODABLE.search(cell) for cell in cells):
        return InputError(where, "undecodable bytes in this row; row not stored")
    # As csv.DictReader makes a row: missing cells None, extra ones listed.
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update(zip(columns, cells, strict=False))
    text = row.get("text") or ""
    if len(text) > options.max_chars:
        return too_large(where, len(text), options)
    control = text_problem(text, where)
    if control is not None:
        return control
    title = (row.get("title") or "").strip() or None
    meta = {k: v for k, v in row.items() if k not in ("text", "title")}
    if len(cells) > len(columns):  # more cells than header columns
        meta["extra_cells"] = cells[len(columns) :]
    return ArticleDraft(text=text, title=title, source=source, meta=meta)


class _Lines:
    """The file's lines for `csv.reader`, numbered; those of the record being read are held.

    A record refused is read again from its second line (`again_after_first`),
    so that rows an unclosed quote swallowed are not lost.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._again: list[str] = []  # lines to give again, the next one last
        self.held: list[str] = []  # the lines of the record being read
        self.given = 0  # the number of the last line given

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._again.pop() if self._again else next(self._stream)
        self.held.append(line)
        self.given += 1
        return line

    def start(self) -> int:
        """A record starts: the number of its first line."""
        self.held = []
        return self.given + 1

    def again_after_first(self) -> None:
        self._again.extend(reversed(self.held[1:]))
        self.given -= max(len(self.held) - 1, 0)
        self.held = []


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _almost_utf8(head: bytes) -> bool:
    """UTF-8 text but for a few broken bytes: UTF-8 characters, no NUL, 1% undecodable at most."""
    if b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    utf8 = any(c > "\x7f" and c != "\ufffd" for c in text)
    return utf8 and broken <= max(8, len(text) // 100)


def _whole_lines(head: bytes) -> bytes:
    """Cut a sample at its last line end, so no UTF-8 character is split."""
    cut = head.rfind(b"\n")
    return head if cut < 0 or len(head) < _SAMPLE else head[: cut + 1]


FORMAT = Format("csv", (".csv", ".tsv"), read, 'CSV with a "text" column')
