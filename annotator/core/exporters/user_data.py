"""The user data of the DocBin export's Docs, packed to msgpack from ready-made pieces.

Each Doc's `user_data["annotator"]` lists its spans as stored, a map each
(start, end, label, attrs, origin): 300k maps for 10k articles. Making a dict
of each and handing it to msgpack took a fifth of the export; here a span's
bytes are its two offsets (from a table of packed integers) between pieces
packed once per label, attrs and origin. The bytes are those msgpack writes
for the same dicts (a test compares them).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

import srsly

from annotator.core.exporters.base import SourcedRows
from annotator.core.exporters.common import SUGGESTION, USER_DATA_KEY
from annotator.core.store.batches import SpanRow

_SMALL = 1 << 16  # offsets packed from the table below this


class UserData:
    """Packs the user data of articles, remembering the pieces it has packed before."""

    def __init__(self) -> None:
        packer = srsly.msgpack.Packer(use_bin_type=True)  # one for all: making one is slow
        self._pack = packer.pack
        self._array = packer.pack_array_header
        self._start = b"\x85" + self._pack("start")  # a map of 5 entries, then its first key
        self._end = self._pack("end")
        self._rest: dict[tuple[str, str, str | None], tuple[bytes, bytes]] = {}

    def spans(self, rows: Sequence[SpanRow]) -> list[tuple[bytes, bytes]]:
        """Each span's packed map and its packed origin (what `origins` lists)."""
        ints = _packed_ints()
        rest = self._rest
        out = []
        for _, start, end, label, attrs, origin in rows:
            tail = rest.get((label, attrs, origin))
            if tail is None:
                tail = self._tail(label, attrs, origin)
                if attrs == "{}":  # FIGURE values are many: keep the pieces of plain spans
                    rest[(label, attrs, origin)] = tail
            packed_start = ints[start] if start < _SMALL else self._pack(start)
            packed_end = ints[end] if end < _SMALL else self._pack(end)
            out.append((self._start + packed_start + self._end + packed_end + tail[0], tail[1]))
        return out

    def _tail(self, label: str, attrs: str, origin: str | None) -> tuple[bytes, bytes]:
        pack = self._pack
        name = pack(SUGGESTION if origin is None else origin)
        value = {} if attrs == "{}" else json.loads(attrs)
        tail = pack("label") + pack(label) + pack("attrs") + pack(value) + pack("origin") + name
        return tail, name

    def packed(
        self, item: SourcedRows, split_name: str, spans: Sequence[tuple[bytes, bytes]]
    ) -> bytes:
        """`msgpack(doc.user_data)`: `{"annotator": {"id", "title", "source", "reviewed",
        "provenance", "split", "origins", "spans"}}`, `spans` those of `spans()`."""
        pack = self._pack
        head = pack(
            {
                "id": item.article.id,
                "title": item.article.title,
                "source": item.provenance.get("source"),
                "reviewed": bool(item.provenance.get("reviewed")),
                "provenance": dict(item.provenance),
                "split": split_name,
            }
        )
        count = self._array(len(spans))
        return b"".join(
            [
                b"\x81",  # a map of 1: USER_DATA_KEY
                pack(USER_DATA_KEY),
                b"\x88",  # a map of 8: the 6 packed above, then origins and spans
                head[1:],
                pack("origins"),
                count,
                *[origin for _, origin in spans],
                pack("spans"),
                count,
                *[span for span, _ in spans],
            ]
        )


@functools.cache
def _packed_ints() -> list[bytes]:
    """msgpack of 0 .. 65535 (an article's offsets are nearly always among them)."""
    pack = srsly.msgpack.Packer(use_bin_type=True).pack
    return [pack(i) for i in range(_SMALL)]
