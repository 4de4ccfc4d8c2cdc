"""Numerical kernels shared by hotspots and Moran's I: stencils, weights, FDR, permutations.

Everything here is vectorised over cells or events; loops run over stencil rows,
permutation chunks or distinct neighbour counts, never over events.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from scipy.special import ndtr

__all__ = [
    "band_count_full",
    "band_sum",
    "benjamini_hochberg",
    "binary_rows",
    "conditional_permutation_counts",
    "contiguity_weights",
    "distance_weights",
    "csr_rows",
    "fold_p",
    "fold_p_ties",
    "grid_weights",
    "kmax_of",
    "stencil_halfwidths",
    "two_sided_p",
]

# Relative tolerance when deciding whether a lattice offset lies within the distance band,
# so a band of exactly k cell sizes includes the cells k away despite rounding.
_TOL = 1e-9


def stencil_halfwidths(distance: float, cell_size: float) -> np.ndarray:
    """Half-widths w(dy) for dy = -r..r of the disc of cell offsets within ``distance``.

    Cell (i+dy, j+dx) is a neighbour of (i, j) when ``cell_size * hypot(dx, dy) <= distance``.
    """
    ratio = distance / cell_size
    r = int(math.floor(ratio * (1 + _TOL)))
    dy = np.arange(-r, r + 1)
    inside = np.maximum(ratio * ratio * (1 + 2 * _TOL) - dy * dy, 0.0)
    return np.floor(np.sqrt(inside)).astype(np.int64)


def band_sum(arr: np.ndarray, halfwidths: np.ndarray) -> np.ndarray:
    """Sum of ``arr`` over the disc stencil around every cell, zero outside the grid.

    Exact for integer input: each stencil row is a horizontal box sum taken from cumulative
    sums, then shifted vertically. Cost is O(cells x stencil rows).
    """
    nrows, ncols = arr.shape
    dtype = np.int64 if np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool else np.float64
    a = arr.astype(dtype, copy=False)
    wmax = int(np.max(halfwidths)) if len(halfwidths) else 0
    # Padded cumulative sums: pad[:, k] = csum[:, clip(k - wmax, 0, ncols)], so every box
    # sum is a difference of two contiguous slices (no fancy indexing).
    pad = np.empty((nrows, ncols + 1 + 2 * wmax), dtype=dtype)
    pad[:, : wmax + 1] = 0
    np.cumsum(a, axis=1, out=pad[:, wmax + 1: wmax + 1 + ncols])
    pad[:, wmax + 1 + ncols:] = pad[:, wmax + ncols: wmax + 1 + ncols]
    out = np.zeros((nrows, ncols), dtype=dtype)
    r = (len(halfwidths) - 1) // 2
    cache: dict[int, np.ndarray] = {}
    for k, w in enumerate(halfwidths):
        dy = k - r
        if abs(dy) >= nrows:
            continue
        w = int(w)
        if w not in cache:
            # hi = clip(j + w + 1) -> pad[j + w + 1 + wmax]; lo = clip(j - w) -> pad[j - w + wmax]
            cache[w] = (pad[:, wmax + w + 1: wmax + w + 1 + ncols]
                        - pad[:, wmax - w: wmax - w + ncols])
        box = cache[w]
        # out[i] += box[i + dy]
        if dy >= 0:
            out[: nrows - dy] += box[dy:]
        else:
            out[-dy:] += box[: nrows + dy]
    return out


def band_count_full(shape: tuple[int, ...], halfwidths: np.ndarray) -> np.ndarray:
    """``band_sum`` of a grid of ones: the number of cells in each cell's band.

    Built from one column-width vector and one row-count vector per distinct half-width
    (an outer product each), without summing the grid.
    """
    nrows, ncols = int(shape[0]), int(shape[1])
    r = (len(halfwidths) - 1) // 2
    rows = np.arange(nrows)
    cols = np.arange(ncols)
    out = np.zeros((nrows, ncols), dtype=np.int64)
    for w in np.unique(halfwidths):
        dys = np.flatnonzero(halfwidths == w) - r
        valid = ((rows[:, None] + dys[None, :] >= 0)
                 & (rows[:, None] + dys[None, :] < nrows)).sum(axis=1)
        width = np.minimum(cols + int(w), ncols - 1) - np.maximum(cols - int(w), 0) + 1
        out += valid[:, None] * width[None, :]
    return out


def grid_weights(
    nrows: int, ncols: int, halfwidths: np.ndarray, active: np.ndarray | None = None
) -> sp.csr_matrix:
    """Binary distance-band weights between grid cells (no self weight) as a CSR matrix.

    ``active`` (flat boolean) restricts the weights to those cells; rows and columns are
    then numbered over the active cells only, in flat order.
    """
    r = (len(halfwidths) - 1) // 2
    ii, jj = np.divmod(np.arange(nrows * ncols), ncols)
    if active is not None:
        keep = np.flatnonzero(active)
        ii, jj = ii[keep], jj[keep]
        pos = np.full(nrows * ncols, -1, dtype=np.int64)
        pos[keep] = np.arange(len(keep))
    else:
        pos = np.arange(nrows * ncols)
    src_parts, dst_parts = [], []
    src_all = np.arange(len(ii))
    for k, w in enumerate(halfwidths):
        dy = k - r
        for dx in range(-int(w), int(w) + 1):
            if dx == 0 and dy == 0:
                continue
            ti, tj = ii + dy, jj + dx
            ok = (ti >= 0) & (ti < nrows) & (tj >= 0) & (tj < ncols)
            tgt = pos[ti[ok] * ncols + tj[ok]]
            good = tgt >= 0
            src_parts.append(src_all[ok][good])
            dst_parts.append(tgt[good])
    n = len(ii)
    src = np.concatenate(src_parts) if src_parts else np.empty(0, dtype=np.int64)
    dst = np.concatenate(dst_parts) if dst_parts else np.empty(0, dtype=np.int64)
    w = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    w.sort_indices()
    return w


def distance_weights(xy: np.ndarray, distance: float) -> sp.csr_matrix:
    """Binary distance-band weights (``d <= distance``, no self weight) via a KD-tree."""
    from scipy.spatial import cKDTree

    n = len(xy)
    tree = cKDTree(xy)
    sdm = tree.sparse_distance_matrix(tree, distance, output_type="coo_matrix")
    # The COO output keeps explicit zero distances: drop the diagonal only, so coincident
    # distinct points stay neighbours (as in libpysal DistanceBand).
    off = sdm.row != sdm.col
    row, col = sdm.row[off], sdm.col[off]
    w = sp.csr_matrix((np.ones(len(row)), (row, col)), shape=(n, n))
    w.data[:] = 1.0  # duplicates summed above collapse back to binary
    w.sort_indices()
    return w


def contiguity_weights(geoms: np.ndarray) -> sp.csr_matrix:
    """Queen contiguity (polygons sharing at least a boundary point), binary, no self."""
    import shapely

    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    off = a != b
    n = len(geoms)
    w = sp.csr_matrix((np.ones(int(off.sum())), (a[off], b[off])), shape=(n, n))
    w.data[:] = 1.0
    w.sort_indices()
    return w


def two_sided_p(z: np.ndarray) -> np.ndarray:
    """Two-sided normal p-value for z-scores (NaN stays NaN)."""
    return 2.0 * ndtr(-np.abs(z))


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN entries stay NaN."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv, kind="stable")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adj = np.empty(m)
    adj[order] = np.minimum(ranked, 1.0)
    q[ok] = adj
    return q


def fold_p(larger: np.ndarray, permutations: int) -> np.ndarray:
    """esda's folded one-sided pseudo p: (min(#>=, P-#>=) + 1) / (P + 1)."""
    larger = larger.astype(float)
    low = (permutations - larger) < larger
    larger = np.where(low, permutations - larger, larger)
    return (larger + 1.0) / (permutations + 1.0)


def fold_p_ties(at_least: np.ndarray, at_most: np.ndarray, permutations: int) -> np.ndarray:
    """Folded one-sided pseudo p that treats ties as evidence for neither tail.

    ``at_least`` counts simulations >= the observed value and ``at_most`` those <= it (ties
    counted in both). The p-value is ``(min(at_least, at_most) + 1) / (P + 1)``. Without
    ties ``at_most = P - at_least`` and this is exactly esda's ``p_sim`` (:func:`fold_p`);
    with ties (sparse counts, where most permuted neighbourhoods are as empty as the
    observed one) esda's rule ``P - #>=`` counts every tie as "more extreme on the low
    side" and reports p = 1/(P+1) for a cell that sits in the middle of its reference
    distribution. Here a cell whose every simulation ties gets p = 1.
    """
    smaller = np.minimum(at_least, at_most).astype(float)
    return (smaller + 1.0) / (permutations + 1.0)


def binary_rows(card_other: np.ndarray, kmax: int) -> Callable[[np.ndarray], np.ndarray]:
    """Padded neighbour weights for binary weights given each row's neighbour count."""
    cols = np.arange(kmax)

    def rows(idx: np.ndarray) -> np.ndarray:
        return (cols[None, :] < card_other[idx, None]).astype(np.float64)

    return rows


def csr_rows(w: sp.csr_matrix, kmax: int) -> Callable[[np.ndarray], np.ndarray]:
    """Padded neighbour weights taken from the rows of a CSR matrix (no diagonal)."""
    indptr, data = w.indptr, w.data
    counts = np.diff(indptr)

    def rows(idx: np.ndarray) -> np.ndarray:
        out = np.zeros((len(idx), kmax))
        c = counts[idx]
        r = np.repeat(np.arange(len(idx)), c)
        starts = np.repeat(indptr[idx], c)
        within = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
        out[r, within] = data[starts + within]
        return out

    return rows


def conditional_permutation_counts(
    y: np.ndarray,
    observed: np.ndarray,
    rows: Callable[[np.ndarray], np.ndarray],
    kmax: int,
    permutations: int,
    rng: np.random.Generator,
    *,
    desc: str = "permutations",
    chunk_bytes: int = 64_000_000,
    rtol: float = 1e-9,
) -> tuple[np.ndarray, np.ndarray]:
    """How often a conditional permutation of the neighbours' values reaches the observed.

    For each cell i, the values of its neighbours are replaced by ``kmax`` values drawn
    without replacement from the other n - 1 cells (the same draws for every cell, shifted
    to skip i, as esda does). ``observed[i]`` is the observed weighted neighbour sum
    ``sum_j w_ij y_j``. The simulated sums are compared with it directly, never after a
    further scaling, so a simulation that draws the same neighbour values as the observed
    neighbourhood compares as a tie: values closer than ``rtol`` times the largest
    possible sum of the row count as equal (sums in a different order differ in the last
    bits). Returns, per cell, the counts of simulations ``>=`` and ``<=`` the observed sum
    (ties in both).
    """
    from tqdm.auto import tqdm

    n = len(y)
    k = min(kmax, n - 1)
    at_least = np.zeros(n, dtype=np.int64)
    at_most = np.zeros(n, dtype=np.int64)
    if k <= 0 or permutations <= 0:
        return at_least, at_most
    rids = np.empty((permutations, k), dtype=np.int64)
    for p in range(permutations):
        rids[p] = rng.choice(n - 1, size=k, replace=False)
    ymax = float(np.max(np.abs(y))) if n else 0.0
    per_cell = permutations * k * 16
    step = max(1, min(n, chunk_bytes // max(per_cell, 1)))
    starts = range(0, n, step)
    for s in tqdm(starts, desc=desc, disable=len(starts) < 20, leave=False):
        idx = np.arange(s, min(n, s + step))
        ids = rids[None, :, :] + (rids[None, :, :] >= idx[:, None, None])
        wts = rows(idx)[:, :k]
        sims = np.einsum("cpk,ck->cp", y[ids], wts)
        obs = observed[idx, None]
        tol = rtol * np.maximum(np.abs(obs), np.abs(wts).sum(axis=1)[:, None] * ymax)
        at_least[idx] = (sims >= obs - tol).sum(axis=1)
        at_most[idx] = (sims <= obs + tol).sum(axis=1)
    return at_least, at_most


def kmax_of(w: sp.csr_matrix) -> int:
    """Largest number of neighbours in a CSR weights matrix."""
    return int(np.diff(w.indptr).max()) if w.shape[0] else 0
