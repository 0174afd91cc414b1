"""Half-open intervals in numpy: which overlap, without a Python loop per interval."""

from __future__ import annotations

import numpy as np

Array = np.ndarray


def clear_of_earlier(start: Array, end: Array) -> Array:
    """Mask of intervals that overlap no earlier one, for intervals in (start, -end) order.

    An interval is kept when it starts at or after every earlier interval has
    ended, so the kept ones never overlap each other.
    """
    keep = np.ones(len(start), dtype=bool)
    if len(start) > 1:
        keep[1:] = start[1:] >= np.maximum.accumulate(end)[:-1]
    return keep


def overlap_pairs(xs: Array, xe: Array, ys: Array, ye: Array) -> tuple[Array, Array]:
    """Every (i, j) where ``[xs[i], xe[i])`` and ``[ys[j], ye[j])`` share a position.

    The y intervals are split into layers that do not overlap within
    themselves (one layer unless some y intervals overlap each other); in a
    layer both starts and ends are sorted, so the y intervals meeting an x
    interval are one contiguous run found by two binary searches.
    Pairs come sorted by i, then j.
    """
    found_i: list[Array] = []
    found_j: list[Array] = []
    remaining = np.lexsort((-ye, ys))
    while len(remaining):
        keep = clear_of_earlier(ys[remaining], ye[remaining])
        layer, remaining = remaining[keep], remaining[~keep]
        lo = np.searchsorted(ye[layer], xs, side="right")  # first y ending after x starts
        hi = np.searchsorted(ys[layer], xe, side="left")  # y starting before x ends
        n = np.maximum(hi - lo, 0)
        total = int(n.sum())
        if total == 0:
            continue
        i = np.repeat(np.arange(len(xs)), n)
        within = np.arange(total) - np.repeat(np.cumsum(n) - n, n)
        found_i.append(i)
        found_j.append(layer[np.repeat(lo, n) + within])
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    i, j = np.concatenate(found_i), np.concatenate(found_j)
    order = np.lexsort((j, i))
    return i[order], j[order]
