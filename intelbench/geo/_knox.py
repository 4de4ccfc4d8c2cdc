"""Knox table counting for :func:`intelbench.geo.near_repeat`: close pairs once, dates permuted.

The close pairs (within the largest distance band) are found once with a KD-tree on the
points in the tree's own leaf order, so that the two events of a pair sit near each other in
memory. Each pair keeps its distance row; pairs are grouped by row. A permutation only changes
the dates, so each Monte Carlo run gathers the permuted day of both ends of every pair and
counts the day differences below the last time band. Several permutations travel together:
their days are packed side by side in one 64-bit word per event (four 16-bit days, or two
32-bit days for spans over 89 years), so one gather serves them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.spatial import cKDTree

__all__: list[str] = []

_CHUNK = 1 << 16  # pairs per step: the working buffers stay in cache


@dataclass(frozen=True)
class ClosePairs:
    """Pairs of events closer than the largest distance band, grouped by distance row.

    Attributes
    ----------
    order : ndarray
        Event index (into the caller's arrays) of each position used by ``i`` and ``j``.
    i, j : ndarray
        Positions (int32) of the two events of each pair, grouped by row.
    bounds : ndarray
        ``bounds[r]:bounds[r + 1]`` is the slice of pairs in row ``r``.
    """

    order: np.ndarray
    i: np.ndarray
    j: np.ndarray
    bounds: np.ndarray


def close_pairs(xy: np.ndarray, d_edges: np.ndarray,
                side: Literal["left", "right"]) -> ClosePairs:
    """Find the pairs within ``d_edges[-1]`` and their row (0 = same location)."""
    order = cKDTree(xy).indices.astype(np.intp)  # leaf order: neighbours near in memory
    pts = xy[order]
    pairs = cKDTree(pts).query_pairs(r=float(d_edges[-1]), output_type="ndarray")
    i = np.ascontiguousarray(pairs[:, 0])  # intp: np.take reads these without a cast
    j = np.ascontiguousarray(pairs[:, 1])
    del pairs
    px = np.ascontiguousarray(pts[:, 0])
    py = np.ascontiguousarray(pts[:, 1])
    dist = np.take(px, i, mode="clip")
    dist -= np.take(px, j, mode="clip")
    dist *= dist
    dy = np.take(py, i, mode="clip")
    dy -= np.take(py, j, mode="clip")
    dy *= dy
    dist += dy
    del dy
    np.sqrt(dist, out=dist)
    # row = 1 + searchsorted(d_edges, dist, side): the edges below (or at) each distance
    row: np.ndarray = np.ones(dist.size, dtype=np.int8 if d_edges.size < 120 else np.int16)
    above = np.greater if side == "left" else np.greater_equal
    for edge in d_edges:
        np.add(row, above(dist, edge), out=row)
    row[dist == 0] = 0
    del dist
    near_rows = d_edges.size + 1
    grouped = np.argsort(row, kind="stable")  # a radix sort on 8- or 16-bit integers
    row = row[grouped]
    keep = int(np.searchsorted(row, near_rows))
    grouped = grouped[:keep]
    bounds = np.searchsorted(row[:keep], np.arange(near_rows + 1))
    return ClosePairs(order=order, i=i[grouped].astype(np.int32),
                      j=j[grouped].astype(np.int32), bounds=bounds.astype(np.int64))


def _lanes(span: int) -> tuple[type[np.signedinteger], int]:
    if span < np.iinfo(np.int16).max:
        return np.int16, 4
    return np.int32, 2


def lanes_per_gather(span: int) -> int:
    """How many permutations share one gather for days ``0 .. span``."""
    return _lanes(span)[1]


def day_histograms(pairs: ClosePairs, days: Iterator[np.ndarray] | list[np.ndarray],
                   span: int, top: int) -> np.ndarray:
    """Count close pairs by row and absolute day difference (``0 .. top - 1``).

    Parameters
    ----------
    pairs : ClosePairs
        From :func:`close_pairs`.
    days : list of ndarray
        Up to four (two for long spans) arrays of event days, in the caller's order.
    span : int
        Largest day value (days start at 0).
    top : int
        Differences of ``top`` days or more are not counted.

    Returns
    -------
    ndarray
        ``(len(days), rows, top)`` counts.
    """
    lane_t, k_max = _lanes(span)
    days = list(days)
    k = len(days)
    if not 1 <= k <= k_max:
        raise ValueError(f"day_histograms takes 1 to {k_max} day arrays, received {k}")
    n = pairs.order.size
    packed = np.zeros((n, k_max), dtype=lane_t)
    for lane, d in enumerate(days):
        packed[:, lane] = d[pairs.order]
    words = packed.view(np.int64).ravel()
    rows = pairs.bounds.size - 1
    acc = np.zeros(k_max * top, dtype=np.int64)
    out = np.zeros((k_max, rows, top), dtype=np.int64)
    buf_a = np.empty(_CHUNK, np.int64)
    buf_b = np.empty(_CHUNK, np.int64)
    mask = np.empty(_CHUNK * k_max, dtype=bool)
    for r in range(rows):
        acc[:] = 0
        for s0 in range(int(pairs.bounds[r]), int(pairs.bounds[r + 1]), _CHUNK):
            s1 = min(s0 + _CHUNK, int(pairs.bounds[r + 1]))
            m = s1 - s0
            a, b = buf_a[:m], buf_b[:m]
            np.take(words, pairs.i[s0:s1], out=a, mode="clip")
            np.take(words, pairs.j[s0:s1], out=b, mode="clip")
            la, lb = a.view(lane_t), b.view(lane_t)
            la -= lb
            np.abs(la, out=la)
            mm = mask[: m * k_max]
            np.less(la, top, out=mm)
            hit = np.flatnonzero(mm)
            code = (hit & (k_max - 1)) * top
            code += la[hit]
            acc += np.bincount(code, minlength=k_max * top)
            del hit
        out[:, r, :] = acc.reshape(k_max, top)
    return out[:k]
