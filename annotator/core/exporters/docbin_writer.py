"""A spaCy `.spacy` (DocBin) file written one Doc at a time, in little memory.

spaCy's `DocBin` keeps every Doc's arrays until `to_bytes`, which then copies
them several times over to concatenate, msgpack and compress them: a DocBin
of 80k articles needs about 20 GB. This writes the same file, the one
`DocBin().from_disk` reads, holding only the set of strings: the token
arrays, user data and span groups are compressed as they come, in a thread
of the writer's own (zlib releases the GIL, so this runs on a second core
while the caller makes the next Docs), into unnamed temporary files; `close`
lays the compressed pieces one after another into the file.

The layout is DocBin's `to_bytes` (spaCy 3.x): a zlib-compressed msgpack map
of version, attrs, tokens, spaces, lengths, strings, cats, flags, span_groups
and user_data. A test reads our files back with `DocBin.from_disk` and
compares every Doc with spaCy's own DocBin of the same Docs.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import zlib
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, TYPE_CHECKING

import numpy as np
import srsly

from annotator.core.exporters.spacy_ids import DOCBIN_VERSION, ORTH, SPACY

if TYPE_CHECKING:
    pass

# zlib's fastest level: the file is about a fifth larger than at the default
# level 6, and written three times faster. zlib.decompress reads any level.
LEVEL = 1
_COPY = 1 << 20  # bytes a read when streaming the temporary files
_AHEAD = 4  # pieces a stream may have waiting for the compressing thread


class DocBinWriter:
    """Add Docs, then `close()` to write `path`; `discard()` drops everything instead."""

    def __init__(self, path: Path, attrs: Sequence[int]) -> None:
        """`attrs`: spaCy's ids of the token attributes kept (`spacy_ids`); ORTH among them."""
        self.path = path
        # ORTH first, then the others by id: DocBin's order
        self.attrs: list[int] = [ORTH, *sorted(set(attrs) - {ORTH, SPACY})]
        self._version = DOCBIN_VERSION
        self.strings: set[str] = {""}
        self.lengths: list[int] = []
        # One packer for every call: each srsly.msgpack_dumps makes a new one, and
        # making one scans the installed packages' entry points (about 1 ms).
        self.packer = srsly.msgpack.Packer(use_bin_type=True)
        # Open from the first add to close() or discard(): no `with` can span that.
        # One thread compresses what the Docs add while the caller makes the next ones
        # (zlib lets go of the GIL); close() then only copies.
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="docbin-deflate")
        folder = path.parent
        self._tokens = _Deflated(folder, self._pool)
        self._spaces = _Deflated(folder, self._pool)
        self._span_groups = _Deflated(folder, self._pool)
        self._user_data = _Deflated(folder, self._pool)

    def __len__(self) -> int:
        return len(self.lengths)

    def add_arrays(
        self,
        tokens: np.ndarray,
        spaces: np.ndarray,
        lengths: Sequence[int],
        strings: Iterable[str],
        span_groups: Sequence[bytes],
        user_data: Sequence[bytes],
    ) -> None:
        """Add Docs given as arrays: their tokens one after another, `lengths` tokens each.

        `tokens` has a column per attribute of `self.attrs`, `spaces` a bool per
        token; `strings` the strings the ids stand for (new ones at least);
        `span_groups` what each Doc's `doc.spans.to_bytes()` would give, `user_data`
        each Doc's user data packed (`srsly.msgpack_dumps(doc.user_data)`).
        """
        pack = self.packer.pack
        self._tokens.write(np.ascontiguousarray(tokens, dtype="uint64").tobytes())
        self._spaces.write(np.ascontiguousarray(spaces, dtype=bool).tobytes())
        self.lengths.extend(lengths)
        self.strings.update(strings)
        self._span_groups.write(b"".join([pack(group) for group in span_groups]))
        self._user_data.write(b"".join([pack(data) for data in user_data]))

    def close(self) -> None:
        """Write the file, then drop the temporary files."""
        n = len(self.lengths)
        # the same for every Doc: packed once, written n times
        flags = srsly.msgpack_dumps({"has_unknown_spaces": False})
        cats = srsly.msgpack_dumps({})
        try:
            for part in (self._tokens, self._spaces, self._span_groups, self._user_data):
                part.wait()
            with self.path.open("wb") as out:
                stream = _Compressed(out)
                stream.write(b"\x8a")  # a msgpack map of 10 entries
                stream.write(_key("version") + srsly.msgpack_dumps(self._version))
                stream.write(_key("attrs") + srsly.msgpack_dumps(self.attrs))
                stream.write(_key("tokens"))
                stream.copy_bin(self._tokens)
                stream.write(_key("spaces"))
                stream.copy_bin(self._spaces)
                lengths = np.asarray(self.lengths, dtype="int32").tobytes("C")
                stream.write(_key("lengths") + srsly.msgpack_dumps(lengths))
                stream.write(_key("strings") + srsly.msgpack_dumps(sorted(self.strings)))
                stream.write(_key("cats") + _array_header(n) + cats * n)
                stream.write(_key("flags") + _array_header(n) + flags * n)
                stream.write(_key("span_groups") + _array_header(n))
                stream.copy(self._span_groups)
                stream.write(_key("user_data") + _array_header(n))
                stream.copy(self._user_data)
                stream.finish()
        finally:
            self.discard()

    def discard(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        for part in (self._tokens, self._spaces, self._span_groups, self._user_data):
            part.file.close()


# The file is one zlib stream made of pieces compressed apart, the way pigz
# compresses in parallel: each piece is raw deflate ending on a byte boundary
# (Z_SYNC_FLUSH) without a final block, so pieces can be laid one after another;
# the stream then ends with an empty final block and the Adler-32 of all the bytes.
_ZLIB_HEADER = b"\x78\x01"  # deflate, 32K window, fastest level; (0x7801 % 31 == 0)
_ADLER_BASE = 65521


def _deflate(data: bytes) -> bytes:
    """`data` as a piece of raw deflate that another piece may follow."""
    piece = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return piece.compress(data) + piece.flush(zlib.Z_SYNC_FLUSH)


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of A + B from those of A and B (zlib's adler32_combine, which
    Python's zlib does not expose)."""
    rem = second_length % _ADLER_BASE
    sum1 = first & 0xFFFF
    sum2 = (rem * sum1) % _ADLER_BASE
    sum1 = (sum1 + (second & 0xFFFF) + _ADLER_BASE - 1) % _ADLER_BASE
    sum2 = (sum2 + (first >> 16) + (second >> 16) + _ADLER_BASE - rem) % _ADLER_BASE
    return sum1 | (sum2 << 16)


class _Deflated:
    """Bytes deflated as they come, in the writer's thread, into a temporary file."""

    def __init__(self, folder: Path, pool: ThreadPoolExecutor) -> None:
        self.file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (closed by discard)
        self.size = 0  # bytes before compression
        self.adler = zlib.adler32(b"")
        self._pool = pool
        self._pending: deque[Future[None]] = deque()

    def write(self, data: bytes) -> None:
        if not data:
            return
        self._pending.append(self._pool.submit(self._add, data))
        while len(self._pending) > _AHEAD:  # bounded memory when zlib falls behind
            self._pending.popleft().result()

    def _add(self, data: bytes) -> None:  # in the writer's thread, one piece at a time
        self.file.write(_deflate(data))
        self.adler = zlib.adler32(data, self.adler)
        self.size += len(data)

    def wait(self) -> None:
        while self._pending:
            self._pending.popleft().result()


class _Compressed:
    """The file's zlib stream: small parts deflated here, the big ones copied as they are."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._adler = zlib.adler32(b"")
        out.write(_ZLIB_HEADER)

    def write(self, data: bytes) -> None:
        self._out.write(_deflate(data))
        self._adler = zlib.adler32(data, self._adler)

    def copy(self, source: _Deflated) -> None:
        source.file.seek(0)
        shutil.copyfileobj(source.file, self._out, _COPY)
        self._adler = adler32_combine(self._adler, source.adler, source.size)

    def copy_bin(self, source: _Deflated) -> None:
        """`source`'s bytes as one msgpack bin (bin 32: its length goes first)."""
        if source.size >= 1 << 32:
            raise ValueError("a split's tokens exceed 4 GB, the most one DocBin file can hold")
        self.write(b"\xc6" + struct.pack(">I", source.size))
        self.copy(source)

    def finish(self) -> None:
        self._out.write(zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush(zlib.Z_FINISH))
        self._out.write(struct.pack(">I", self._adler))


# A span of a span group as `SpanGroup.to_bytes` packs it: a msgpack bin of 40 bytes
# (bin 8 header, then struct ">QQQllll": id, kb_id, label, start, end, start_char, end_char).
SPAN_RECORD = np.dtype(
    [("bin", "S2"), ("id", ">u8"), ("kb_id", ">u8"), ("label", ">u8"), ("start", ">i4"),
     ("end", ">i4"), ("start_char", ">i4"), ("end_char", ">i4")]
)  # fmt: skip
SPAN_BIN = b"\xc4\x28"


def one_group_bytes(packer: srsly.msgpack.Packer, key: str, records: np.ndarray) -> bytes:
    """What `doc.spans.to_bytes()` gives when `doc.spans` holds one group `key` whose spans
    are `records` (SPAN_RECORD); `packer` one made with `use_bin_type=True`."""
    pack = packer.pack
    group = (
        b"\x83"  # a map of 3: name, attrs, spans
        + pack("name") + pack(key) + pack("attrs") + pack({}) + pack("spans")
        + packer.pack_array_header(len(records)) + records.tobytes()
    )  # fmt: skip
    return pack({group: [key]})


def _key(name: str) -> bytes:
    return srsly.msgpack_dumps(name)


def _array_header(n: int) -> bytes:
    return b"\xdd" + struct.pack(">I", n)  # array 32
