"""Gi* kernels shared by the grid and layer hot spot helpers and emerging hot spots.

z-scores follow esda ``G_Local`` (see :mod:`intelbench.geo.hotspots`); inference is
analytic (two-sided normal p) or by conditional permutation, with Benjamini-Hochberg FDR.
:func:`inference_by_key` gives the same p, q and classes when many cells share a z (on a
grid of counts with binary weights the z of a cell depends only on its neighbourhood
count and its number of neighbours): the work is done once per distinct value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError
from intelbench.geo._events import resolve_seed
from intelbench.geo._stats import (
    band_sum,
    benjamini_hochberg,
    conditional_permutation_counts,
    fold_p_ties,
    two_sided_p,
)

__all__ = [
    "HOTSPOT_LABELS",
    "benjamini_hochberg_grouped",
    "gi_star_grid",
    "inference_by_key",
]

#: Hotspot classes from the hottest to the coldest, indexed by ``gi_bin`` + 3.
HOTSPOT_LABELS = (
    "cold 99%",
    "cold 95%",
    "cold 90%",
    "not significant",
    "hot 90%",
    "hot 95%",
    "hot 99%",
)


def _gi_z(
    y: np.ndarray, wy: np.ndarray, card: np.ndarray, star: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Compute esda's G_Local statistic and z-score from neighbour sums and row sums of W."""
    n = len(y)
    rs = 0.0 if star else 1.0
    big_n = n - rs
    total = y.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = wy / (total - y * rs)
        mean = (total - y * rs) / big_n
        mean_sq = ((y * y).sum() - (y * y) * rs) / big_n
        var = mean_sq - mean * mean
        expected = card / big_n
        vg = card * (big_n - card) / (big_n - 1) / big_n**2 * var / (mean * mean)
        z = (stat - expected) / np.sqrt(vg)
    z = np.where(np.isfinite(z), z, np.nan)
    return stat, z


def gi_star_z(
    wy: np.ndarray, card: np.ndarray, n: int, total: float, total_sq: float
) -> np.ndarray:
    """Gi* z from neighbour sums and cardinalities, given the global n, sum and sum of squares.

    The same operations, in the same order, as :func:`_gi_z` with ``star=True`` (whose
    per-cell terms ``y * 0`` vanish), so the values are bit-identical.
    """
    big_n = float(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = wy / total
        mean = total / big_n
        mean_sq = total_sq / big_n
        var = mean_sq - mean * mean
        expected = card / big_n
        vg = card * (big_n - card) / (big_n - 1) / big_n**2 * var / (mean * mean)
        z = (stat - expected) / np.sqrt(vg)
    return np.where(np.isfinite(z), z, np.nan)


def _classify(z: np.ndarray, p_for_bins: np.ndarray) -> np.ndarray:
    level = np.zeros(len(z), dtype=np.int64)
    ok = np.isfinite(z) & np.isfinite(p_for_bins)
    for lev, cut in ((1, 0.10), (2, 0.05), (3, 0.01)):
        level[ok & (p_for_bins < cut)] = lev
    return np.where(np.nan_to_num(z) >= 0, level, -level)


def _inference(
    z: np.ndarray,
    *,
    alpha: float,
    fdr: bool,
    p_perm: np.ndarray | None,
    untested: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    p = two_sided_p(z) if p_perm is None else p_perm
    p = np.where(np.isfinite(z), p, np.nan)
    if untested is not None:
        p = np.where(untested, np.nan, p)
    q = benjamini_hochberg(p)
    gi_bin = _classify(z, q if fdr else p)
    return {
        "p_value": p,
        "q_value": q,
        "fdr_significant": np.nan_to_num(q, nan=1.0) < alpha,
        "gi_bin": gi_bin,
        "hotspot": labels_of(gi_bin),
    }


def _perm_p(
    y: np.ndarray,
    other_sum: np.ndarray,
    rows: Any,
    kmax: int,
    permutations: int,
    seed: Any,
) -> np.ndarray:
    """Two-sided pseudo p from conditional permutations: min(1, 2 * folded one-sided p).

    The simulated neighbour sums are compared with the observed neighbour sum (both sums
    of the same counts, exact for integer counts); ties count for neither tail.
    """
    rng = resolve_seed(seed)
    at_least, at_most = conditional_permutation_counts(
        y, other_sum, rows, kmax, permutations, rng, desc="Gi* permutations"
    )
    return np.minimum(1.0, 2.0 * fold_p_ties(at_least, at_most, permutations))


def _check_perm_size(kmax: int, permutations: int) -> None:
    if kmax * permutations > 20_000_000:
        raise ParameterError(
            f"permutations={permutations} with {kmax} neighbours per cell needs too much "
            "memory; use permutations <= "
            f"{max(1, 20_000_000 // max(kmax, 1))} or a shorter distance (analytic "
            "inference is the default)."
        )


def gi_star_grid(
    counts: np.ndarray,
    halfwidths: np.ndarray,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gi* z-scores on a grid of counts with binary disc weights (self included).

    Parameters
    ----------
    counts : numpy.ndarray
        (nrows, ncols) counts or values.
    halfwidths : numpy.ndarray
        Disc half-widths per stencil row, from ``_stats.stencil_halfwidths``.
    mask : numpy.ndarray, optional
        Boolean (nrows, ncols); cells outside it are not part of the data set.

    Returns
    -------
    (z, neighbour_sum, cardinality)
        Flat arrays over the cells in ``mask`` (all cells without one), in row-major order.
    """
    active = np.ones(counts.shape, dtype=bool) if mask is None else mask
    y_grid = np.where(active, counts, 0)
    wy = band_sum(y_grid, halfwidths)[active].astype(float)
    card = band_sum(active.astype(np.int64), halfwidths)[active].astype(float)
    y = y_grid[active].astype(float)
    _, z = _gi_z(y, wy, card, star=True)
    return z, wy, card



_LABEL_DTYPE = pd.CategoricalDtype(list(HOTSPOT_LABELS), ordered=True)


def labels_of(gi_bin: np.ndarray) -> pd.Categorical:
    """The ordered ``hotspot`` labels of ``gi_bin`` codes (-3..3)."""
    codes = np.asarray(gi_bin, dtype=np.int64) + 3
    return pd.Categorical.from_codes(codes, dtype=_LABEL_DTYPE)


def benjamini_hochberg_grouped(p: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values of distinct p-values each held by ``counts`` tests.

    Equal to :func:`~intelbench.geo._stats.benjamini_hochberg` on the expanded values
    (tied p-values share the q of the last of their ranks), computed on the distinct
    values only. NaN p-values stay NaN and are not counted as tests.

    Examples
    --------
    >>> from intelbench.geo._stats import benjamini_hochberg
    >>> p = np.array([0.01, 0.04, 0.01, 0.5, 0.04, 0.04])
    >>> u, inv, c = np.unique(p, return_inverse=True, return_counts=True)
    >>> bool(np.array_equal(benjamini_hochberg_grouped(u, c)[inv], benjamini_hochberg(p)))
    True
    """
    p = np.asarray(p, dtype=float)
    counts = np.asarray(counts, dtype=np.int64)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p) & (counts > 0)
    if not ok.any():
        return q
    pv, cv = p[ok], counts[ok]
    order = np.argsort(pv, kind="stable")
    m = int(cv.sum())
    last_rank = np.cumsum(cv[order])
    ranked = pv[order] * m / last_rank
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adj = np.empty(len(pv))
    adj[order] = np.minimum(ranked, 1.0)
    q[ok] = adj
    return q


def inference_by_key(
    key: np.ndarray,
    z_of: Any,
    excluded_of: Any,
    *,
    alpha: float,
    fdr: bool,
    n_keys: int,
) -> dict[str, np.ndarray]:
    """z, p, q, FDR flag, ``gi_bin`` and ``tested`` per cell when z depends on an int key.

    ``key`` (non-negative ints below ``n_keys``) identifies the cells sharing a z;
    ``z_of(keys)`` and ``excluded_of(keys, z)`` give z and the untested flag of distinct
    keys. The result is identical to :func:`_inference` on the per-cell z, at the cost of
    one ``bincount`` over the cells plus work on the distinct keys and one gather per
    output column.
    """
    counts = np.bincount(key, minlength=n_keys)
    uniq = np.flatnonzero(counts)
    pos = np.zeros(n_keys, dtype=np.intp)
    pos[uniq] = np.arange(len(uniq))
    inv = pos[key]
    z_u = z_of(uniq)
    excl_u = excluded_of(uniq, z_u)
    p_u = np.where(np.isfinite(z_u), two_sided_p(z_u), np.nan)
    p_u = np.where(excl_u, np.nan, p_u)
    q_u = benjamini_hochberg_grouped(p_u, counts[uniq])
    bin_u = _classify(z_u, q_u if fdr else p_u)
    return {
        "gi_star": z_u[inv],
        "tested": (~excl_u & np.isfinite(z_u))[inv],
        "p_value": p_u[inv],
        "q_value": q_u[inv],
        "fdr_significant": (np.nan_to_num(q_u, nan=1.0) < alpha)[inv],
        "gi_bin": bin_u[inv],
        "excluded": excl_u[inv],
    }
